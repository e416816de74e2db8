"""The improvement ramp: stage criteria, coaching phases, moves and the progress score."""
