"""Derivation classifier: logistic regression over alignment-structure features.

Written by ``bench/reuse.py --calibrate`` from the calibration half (even ids) of
rewrites-dev mixed with allsides (short independent leads) and t17-h1n1 (long independent
reports of one story by BBC, Guardian and Reuters, paired across outlets within a day);
the other half is kept for reporting.
"""

FEATURES = ["chain50", "chain60", "chain_p50", "log_chain_p50_count", "mean_best_cos", "containment", "specifics_containment", "stem_jaccard", "source_specifics_kept", "specifics_order", "log_shared_specifics", "log_chain50_count", "soft_coverage", "char4_cosine", "length_ratio", "key_containment", "key_kept", "short", "chain50*short", "chain60*short", "chain_p50*short", "log_chain_p50_count*short", "mean_best_cos*short", "containment*short", "specifics_containment*short", "stem_jaccard*short", "source_specifics_kept*short", "specifics_order*short", "log_shared_specifics*short", "log_chain50_count*short", "soft_coverage*short", "char4_cosine*short", "length_ratio*short", "key_containment*short", "key_kept*short"]
COEF = [-2.6215, 1.9179, 0.4701, 1.8746, 3.6434, -4.4575, 3.1635, 7.6752, 2.6638, 5.7928, -0.1969, 1.3238, 5.3226, -4.9144, -4.9885, 6.333, 2.5672, 0.3262, -3.892, -1.547, -6.0531, 0.7696, 0.9074, -0.0399, -0.8073, 2.3715, -0.0924, -1.4601, 0.9258, 2.8594, 0.1917, -0.441, -3.0349, -0.0496, -1.8698]
INTERCEPT = -8.8829
THRESHOLD = 0.35
DIR_COEF = [2.0805, 0.6056, 1.4068, -0.4144, 0.1506, 0.6851, 2.5856, 3.4448]
