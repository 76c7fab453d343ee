namespace sparrow::synth {}
