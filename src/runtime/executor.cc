namespace sparrow::runtime {}
