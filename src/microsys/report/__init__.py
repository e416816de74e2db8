"""Reports: what a storyboard, playbook and 5P summary say, as data, and the text tools they need."""
