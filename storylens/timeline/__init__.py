"""Dates and the story's timeline (issue 13). So far: temporal expressions resolved against the publication
date (``storylens.nlp.dates``) and the ``storylens dates --batch`` command; the timeline stage is not built yet."""
