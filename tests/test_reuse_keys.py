"""Shared keys (figures, name words) and the text-direction evidence a rewrite leaves behind."""

from __future__ import annotations

from storylens.model import Article
from storylens.reuse import explain_pair
from storylens.reuse.direction import text_score
from storylens.reuse.features import build_features, name_tokens, norm_number, specifics


def test_figures_have_one_spelling() -> None:
    same = [("£776m", "£776 million"), ("12 per cent", "12%"), ("07:20", "7:20"), ("$3.5 billion", "3.5bn"),
            ("1,200", "1200"), ("3.0", "3")]
    for a, b in same:
        assert norm_number(a) == norm_number(b), (a, b)
    different = [("£776m", "£776bn"), ("3.5", "35"), ("10.05", "10.5"), ("12%", "12")]
    for a, b in different:
        assert norm_number(a) != norm_number(b), (a, b)


def test_name_words_drop_titles_so_two_mentions_of_one_person_meet() -> None:
    a = name_tokens({"scottish first minister alex salmond", "edinburgh"})
    b = name_tokens({"mr salmond"})
    assert a & b == {"salmond"}
    assert "first" not in a and "minister" not in a and "mr" not in b


def test_keys_meet_across_spellings() -> None:
    src = specifics(["Mr Salmond said the tram project had cost £776m.", "Services began at 07:20 on Saturday."])
    der = specifics(["First Minister Alex Salmond put the cost at £776 million.", "Trams ran from 7:20."])
    shared = src.keys() & der.keys()
    assert {"salmond", "#776m", "#7:20"} <= shared


ORIGINAL = [
    "Police closed the A31 near Ringwood for six hours on Sunday after a lorry overturned at about 05:40.",
    "The driver, a man in his 50s, was taken to Southampton General Hospital with minor injuries, police said.",
    "Hampshire Constabulary said 4,000 litres of diesel had leaked onto the carriageway.",
    "\"It was a long clean-up but the road is safe again,\" said Inspector Dana Whitcombe.",
    "A spokesman for the haulage firm said it was helping officers with their inquiries.",
    "Drivers were told to expect delays on nearby roads until the evening.",
]
# the kind of rewrite a content farm publishes: the same facts in the same order, longer words, no plain "said"
REWRITE = [
    "Authorities shut the A31 close to Ringwood for six hours on Sunday following the overturning of a lorry at "
    "approximately 05:40.",
    "The driver, a man in his 50s, was transported to Southampton General Hospital, having sustained minor "
    "injuries, according to officers.",
    "Hampshire Constabulary indicated that 4,000 litres of diesel had contaminated the carriageway.",
    "\"It was a long clean-up but the road is safe again,\" Inspector Dana Whitcombe explained.",
    "A representative of the haulage company confirmed it was assisting officers with their investigation.",
    "Motorists were cautioned to anticipate delays on surrounding roads throughout the evening.",
]


def test_rewrite_found_and_its_source_named_from_the_text_alone() -> None:
    orig = Article(id="orig", content_hash="orig", body=ORIGINAL)
    rw = Article(id="rw", content_hash="rw", body=REWRITE)
    d = explain_pair(rw, orig, use_dates=False)
    assert d is not None and d.kind == "rewrite"
    assert (d.source_id, d.derived_id) == ("orig", "rw") and d.direction_from == "text"
    fo, fr = build_features([orig, rw])
    z, reasons = text_score(fo, fr, 1.0, 1.0)
    assert z > 0
    joined = " ".join(reasons)
    assert "longer words" in joined and "'said'" in joined
    # swapping the arguments swaps the sign: the evidence is antisymmetric
    z2, _ = text_score(fr, fo, 1.0, 1.0)
    assert abs(z + z2) < 1e-9
