namespace sparrow::hf {}
