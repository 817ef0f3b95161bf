"""Derivation classifier: logistic regression over alignment-structure features.

Written by ``bench/reuse.py --calibrate`` from the calibration half (even ids) of
rewrites-dev mixed with allsides (short independent leads) and t17-h1n1 (long independent
reports of one story by BBC, Guardian and Reuters, paired across outlets within a day);
the other half is kept for reporting.
"""

FEATURES = ["chain50", "chain60", "chain_p50", "log_chain_p50_count", "mean_best_cos", "containment", "specifics_containment", "stem_jaccard", "source_specifics_kept", "specifics_order", "log_shared_specifics", "log_chain50_count", "soft_coverage", "char4_cosine", "length_ratio", "key_containment", "key_kept", "short", "chain50*short", "chain60*short", "chain_p50*short", "log_chain_p50_count*short", "mean_best_cos*short", "containment*short", "specifics_containment*short", "stem_jaccard*short", "source_specifics_kept*short", "specifics_order*short", "log_shared_specifics*short", "log_chain50_count*short", "soft_coverage*short", "char4_cosine*short", "length_ratio*short", "key_containment*short", "key_kept*short"]
COEF = [-2.634, 1.923, 0.4658, 1.8896, 3.6386, -4.4792, 3.1852, 7.713, 2.6771, 5.822, -0.2015, 1.3244, 5.3189, -4.9315, -5.0003, 6.3578, 2.5764, 0.3237, -3.9073, -1.554, -6.086, 0.7875, 0.9014, -0.0495, -0.8018, 2.3789, -0.0958, -1.4347, 0.9228, 2.8627, 0.1664, -0.4525, -3.0452, -0.0438, -1.8776]
INTERCEPT = -8.8773
THRESHOLD = 0.3
DIR_COEF = [2.0805, 0.6056, 1.4068, -0.4144, 0.1506, 0.6851, 2.5856, 3.4448]
