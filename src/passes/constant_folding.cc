namespace sparrow::passes {}
