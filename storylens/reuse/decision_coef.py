"""Derivation classifier: logistic regression over alignment-structure features.

Written by ``bench/reuse.py --calibrate`` from the calibration half (even ids) of
rewrites-dev mixed with allsides (short independent leads) and t17-h1n1 (long independent
reports of one story by BBC, Guardian and Reuters, paired across outlets within a day);
the other half is kept for reporting.
"""

FEATURES = ["chain50", "chain60", "chain_p50", "log_chain_p50_count", "mean_best_cos", "containment", "specifics_containment", "stem_jaccard", "source_specifics_kept", "specifics_order", "log_shared_specifics", "log_chain50_count", "soft_coverage", "char4_cosine", "length_ratio", "key_containment", "key_kept", "short", "chain50*short", "chain60*short", "chain_p50*short", "log_chain_p50_count*short", "mean_best_cos*short", "containment*short", "specifics_containment*short", "stem_jaccard*short", "source_specifics_kept*short", "specifics_order*short", "log_shared_specifics*short", "log_chain50_count*short", "soft_coverage*short", "char4_cosine*short", "length_ratio*short", "key_containment*short", "key_kept*short"]
COEF = [-2.6155, 1.9711, 0.5043, 1.9057, 3.7714, -4.46, 3.2072, 7.8914, 2.7305, 5.2172, -0.2519, 1.3684, 5.4133, -4.9039, -4.9764, 6.4499, 2.6901, 0.3114, -3.9712, -1.6231, -6.1594, 0.7337, 0.8845, -0.0204, -0.83, 2.2093, -0.0987, -1.0344, 0.966, 2.8908, 0.0715, -0.4987, -3.0812, -0.1033, -1.9265]
INTERCEPT = -8.9779
THRESHOLD = 0.3
DIR_COEF = [2.0805, 0.6056, 1.4068, -0.4144, 0.1506, 0.6851, 2.5856, 3.4448]
