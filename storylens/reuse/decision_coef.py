"""Derivation classifier: logistic regression over the five decision features named in ``core``.

Written by ``bench/reuse.py --calibrate`` from the calibration half (even ids) of rewrites-dev mixed with
allsides (short independent leads) and t17-h1n1 (long independent reports of one story by BBC, Guardian and
Reuters, paired across outlets within a day); the other half is kept for reporting.
"""

FEATURES = ["coverage", "chain_similarity", "specifics_carried", "key_containment", "span_density", "log_sentences", "soft_coverage", "stem_containment"]
COEF = [3.6953, 1.7875, 2.786, 9.9316, -0.6773, 2.6982, 0.0238, 4.0884]
INTERCEPT = -18.5661
THRESHOLD = 0.6
DIR_COEF = [2.0805, 0.6056, 1.4068, -0.4144, 0.1506, 0.6851, 2.5856, 3.4448]
