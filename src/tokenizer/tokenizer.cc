namespace sparrow {}
