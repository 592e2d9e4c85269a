"""Tests of the seeded demo data: contract (schemas, files), determinism, planted effects, text."""
from __future__ import annotations

import json
import re
import threading

import pandas as pd
import pytest

from cxlab import config
from cxlab.cli import main as cli_main
from cxlab.datasets import (
    DemoData,
    ensure_demo_data,
    load_demo,
    load_demo_truth,
    make_demo_data,
    write_demo_data,
)
from cxlab.datasets import _constants as K
from cxlab.datasets import _grammar as G
from cxlab.datasets import _write
from cxlab.datasets._phrases import CLAUSES
from cxlab.exceptions import ParameterError
from cxlab.schemas import TABLES

SWITCH, FIX, GUIDE = pd.Timestamp("2025-10-01"), pd.Timestamp("2026-01-15"), pd.Timestamp("2025-07-01")
SMALL = dict(n_customers=300, n_orders=1200, n_comments=600)


@pytest.fixture(scope="session")
def demo() -> DemoData:
    return make_demo_data(random_state=0)


@pytest.fixture(scope="session")
def written(tmp_path_factory):
    """A second, independent full generation written to disk."""
    return write_demo_data(tmp_path_factory.mktemp("w") / "demo", random_state=0)


@pytest.fixture(scope="session")
def fb(demo):
    """Feedback joined with its latent meta (persona, sentiment, kind, ...)."""
    return demo.tables["feedback"].merge(demo.truth["feedback_meta"], on="feedback_id", how="left")


def _theme_ids(demo, theme, polarity=None):
    th = demo.truth["feedback_themes"]
    m = th["theme"] == theme
    if polarity:
        m &= th["polarity"] == polarity
    return set(th.loc[m, "feedback_id"])


def _share(fb, ids, mask):
    sub = fb.loc[mask & (fb["brand"] == "Loomwear")]
    return sub["feedback_id"].isin(ids).mean()


# --- contract -------------------------------------------------------------------------------

def test_tables_have_exactly_the_canonical_columns(demo):
    assert set(demo.tables) == set(TABLES)
    for name, df in demo.tables.items():
        spec = TABLES[name]
        assert list(df.columns) == spec.names, name
        for col in spec.columns:
            if not col.nullable:
                assert df[col.name].notna().all(), (name, col.name)
            if col.min is not None:
                assert (df[col.name].dropna() >= col.min).all(), (name, col.name)
            if col.max is not None:
                assert (df[col.name].dropna() <= col.max).all(), (name, col.name)
        assert not df.duplicated(list(spec.key)).any(), name


def test_sizes_follow_parameters(demo):
    assert len(demo.tables["customers"]) == 5000
    assert len(demo.tables["orders"]) == 20000
    assert len(demo.tables["feedback"]) == 12000
    assert len(demo.tables["tickets"]) > 2000
    assert demo.tables["touchpoint_survey"]["response_id"].nunique() > 1000
    small = make_demo_data(random_state=0, **SMALL)
    assert [len(small.tables[t]) for t in ("customers", "orders", "feedback")] == [300, 1200, 600]


def test_tables_are_consistent_with_each_other(demo):
    t = demo.tables
    customers = set(t["customers"]["customer_id"])
    assert set(t["orders"]["customer_id"]) <= customers
    assert set(t["feedback"]["customer_id"].dropna()) <= customers
    assert set(t["feedback"]["order_id"].dropna()) <= set(t["orders"]["order_id"])
    o = t["orders"].merge(t["customers"][["customer_id", "signup_date"]], on="customer_id")
    assert (o["order_date"] >= o["signup_date"]).all()
    for df, col in ((t["orders"], "order_date"), (t["feedback"], "created_at"),
                    (t["tickets"], "opened_at")):
        assert df[col].min() >= K.PERIOD_START and df[col].max() <= K.PERIOD_END
    tk = t["tickets"]
    assert (tk["first_response_at"].dropna() >= tk.loc[tk["first_response_at"].notna(), "opened_at"]).all()
    assert (tk["resolved_at"].dropna() >= tk.loc[tk["resolved_at"].notna(), "opened_at"]).all()
    assert tk["resolved_at"].isna().mean() > 0.02  # some tickets are still open
    assert set(t["feedback"]["channel"]) == {"survey", "app_review", "support_ticket", "social"}
    assert set(t["feedback"]["brand"]) == {"Loomwear", "Threadly", "StyleHub"}
    assert set(t["orders"]["status"]) == {"completed", "cancelled", "abandoned"}
    tps = set(K.TOUCHPOINT_STAGE)
    assert set(t["feedback"]["touchpoint"].dropna()) <= tps
    assert set(t["touchpoint_survey"]["touchpoint"]) == tps
    assert set(t["feedback"]["journey_stage"].dropna()) == set(config.JOURNEY_STAGES)


def test_realistic_missing_values(demo):
    t = demo.tables
    assert 0.02 < t["customers"]["age"].isna().mean() < 0.15
    fb = t["feedback"]
    social = fb["channel"] == "social"
    assert fb.loc[social, "touchpoint"].isna().mean() > 0.5
    assert fb.loc[~social, "touchpoint"].isna().mean() < 0.35
    survey = fb["channel"] == "survey"
    assert 0.5 < fb.loc[survey, "nps"].notna().mean() < 0.98
    assert fb.loc[~survey, "nps"].isna().all()
    assert fb.loc[fb["channel"] == "app_review", "rating"].notna().mean() > 0.9


def test_truth_matches_tables(demo):
    truth = demo.truth
    assert set(truth["feedback_themes"]["theme"]) == set(K.THEMES)
    assert set(truth["feedback_themes"]["polarity"]) == {"pos", "neg"}
    assert set(truth["feedback_themes"]["feedback_id"]) <= set(demo.tables["feedback"]["feedback_id"])
    personas = truth["customer_personas"]
    assert list(personas["customer_id"]) == list(demo.tables["customers"]["customer_id"])
    assert personas["persona"].nunique() == 4
    effects = truth["effects"]
    assert effects["emerging_problem"]["date"] == "2025-10-01"
    assert effects["fix"]["date"] == "2026-01-15"
    assert effects["no_effect_action"]["date"] == "2025-07-01"
    json.dumps(effects)  # JSON-able


@pytest.mark.parametrize("kwargs, match", [
    ({"n_customers": 5}, r"n_customers must be an int >= 20; got 5"),
    ({"n_orders": "many"}, r"n_orders must be an int >= 50; got 'many'"),
    ({"random_state": None}, r"random_state must be an int; got None"),
])
def test_bad_parameters_are_named(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        make_demo_data(**kwargs)


# --- determinism and files --------------------------------------------------------------------

def test_same_seed_gives_byte_identical_files(demo, written, tmp_path):
    # ``written`` came from a separate generation; writing the in-memory one must match it
    other, other_truth = tmp_path / "demo", tmp_path / "demo_truth"
    other.mkdir()
    other_truth.mkdir()
    _write._write_all(demo, other, other_truth)
    names = sorted(p.name for p in written.iterdir())
    assert names == sorted(p.name for p in other.iterdir())
    assert {f"{n}.csv" for n in TABLES} <= set(names)
    for name in names:
        assert (written / name).read_bytes() == (other / name).read_bytes(), name
    truth = written.with_name("demo_truth")
    for name in K.TRUTH_FILES:
        assert (truth / name).read_bytes() == (other_truth / name).read_bytes(), name


def test_files_have_fixed_formatting(written):
    raw = (written / "orders.csv").read_bytes()
    assert b"\r\n" not in raw
    head = raw.split(b"\n", 2)
    assert head[0].decode() == ",".join(TABLES["orders"].names)
    assert re.match(rb"LW\d{6},C\d{5},2025-01-01 \d\d:\d\d:\d\d,\d+(\.\d{1,2})?,", head[1])
    customers = (written / "customers.csv").read_text(encoding="utf-8").splitlines()[1]
    assert re.search(r",\d{4}-\d\d-\d\d,", customers)  # dates without a midnight time
    manifest = json.loads((written.with_name("demo_truth") / "manifest.json").read_text())
    assert manifest["random_state"] == 0 and "feedback.csv" in manifest["files"]
    assert not [p for p in written.parent.iterdir() if p.name.startswith(".")]  # no temp left


def test_different_seed_gives_different_data():
    a = make_demo_data(random_state=0, **SMALL)
    b = make_demo_data(random_state=0, **SMALL)
    c = make_demo_data(random_state=1, **SMALL)
    for name in TABLES:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    assert not a.tables["feedback"]["text"].equals(c.tables["feedback"]["text"])
    assert not a.tables["orders"]["amount"].equals(c.tables["orders"]["amount"])


def test_loading_the_raw_files_gives_back_the_clean_tables(written, demo):
    from cxlab.io import load_table

    for name in TABLES:
        back = load_table(written / f"{name}.csv", name).data.reset_index(drop=True)
        clean = demo.tables[name]
        if name == "feedback":  # loaders strip text, so a blank comment becomes a missing one
            clean = clean.assign(text=clean["text"].str.strip().replace("", pd.NA))
        pd.testing.assert_frame_equal(back, clean, check_dtype=False, obj=name)
    fb = load_table(written / "feedback.csv", "feedback").data
    assert pd.api.types.is_datetime64_any_dtype(fb["created_at"])
    assert str(fb["nps"].dtype) == "Int64" and str(fb["text"].dtype) == "str"


def test_planted_export_defects_are_each_accounted_for_by_the_loaders(written, demo):
    from cxlab.io import load_table

    defects = pd.read_csv(written.parent / f"{written.name}_truth" / "defects.csv", dtype=str,
                          keep_default_na=False)
    assert set(defects["table"]) == {"feedback", "tickets"}
    for table in ("feedback", "tickets"):
        expected = defects[defects["table"] == table]["expected_action"].value_counts().to_dict()
        report = load_table(written / f"{table}.csv", table).report
        issues = report.issues[report.issues["action"] != "flagged"]
        assert issues["action"].value_counts().to_dict() == expected, table
        assert report.n_input_rows == len(demo.tables[table]) + expected.get("dropped", 0)
        assert report.n_output_rows == len(demo.tables[table])


def test_write_refuses_to_overwrite(written):
    with pytest.raises(FileExistsError, match=r"already exists and is not empty; pass overwrite=True"):
        write_demo_data(written)


def test_overwrite_never_deletes_files_the_generator_did_not_write(tmp_path):
    # --force used to move the whole folder aside and delete it, notes and theses included
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    with pytest.raises(FileExistsError, match=r"holds files the demo generator did not write \(\['notes.txt'\]\)"):
        write_demo_data(out, overwrite=True)
    assert (out / "notes.txt").read_text() == "my notes"


def test_cli_output_paths_that_cannot_be_folders_are_usage_errors(tmp_path, capsys):
    from cxlab.cli import main

    afile = tmp_path / "afile"
    afile.write_text("x")
    assert main(["demo-data", "--out", str(afile)]) == 2
    assert capsys.readouterr().err.strip() == f"cxlab demo-data: error: --out {afile} is a file; give a folder to write to."
    with pytest.raises(SystemExit) as exc:
        main(["demo-data", "--seed", "-1", "--out", str(tmp_path / "d")])
    assert exc.value.code == 2 and "--seed: must be between 0 and 4294967295, got -1" in capsys.readouterr().err


def test_ensure_generates_once_and_reuses(tmp_path, demo, monkeypatch):
    calls = []

    def fake_make(**kwargs):
        calls.append(kwargs)
        return demo

    monkeypatch.setattr(_write, "make_demo_data", fake_make)
    (tmp_path / "notebooks").mkdir()
    folder = ensure_demo_data(tmp_path)
    assert folder == config.demo_dir(tmp_path)
    assert len(calls) == 1
    stamp = (folder / "feedback.csv").stat().st_mtime_ns
    assert ensure_demo_data(tmp_path) == folder
    assert len(calls) == 1 and (folder / "feedback.csv").stat().st_mtime_ns == stamp
    for yaml_path in _write._demo_yamls():
        assert (folder / yaml_path.name).read_bytes() == yaml_path.read_bytes()
    tables = load_demo(tmp_path)
    assert set(tables) == set(TABLES)
    assert load_demo_truth(tmp_path)["effects"]["fix"]["date"] == "2026-01-15"
    # a missing file or another seed means regenerating
    (folder / "tickets.csv").unlink()
    ensure_demo_data(tmp_path)
    assert len(calls) == 2 and (folder / "tickets.csv").is_file()
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def test_ensure_is_safe_under_concurrent_calls(tmp_path, demo, monkeypatch):
    monkeypatch.setattr(_write, "make_demo_data", lambda **kw: demo)
    results, errors = [], []

    def worker():
        try:
            results.append(ensure_demo_data(tmp_path))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert _write.is_complete(results[0], config.demo_truth_dir(tmp_path), random_state=0)
    assert not [p for p in results[0].parent.iterdir() if p.name.startswith(".")]


def test_cli_writes_and_reuses(tmp_path, demo, monkeypatch, capsys):
    monkeypatch.setattr(_write, "make_demo_data", lambda **kw: demo)
    out = tmp_path / "mydemo"
    assert cli_main(["demo-data", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "feedback.csv" in printed and "effects.json" in printed
    assert (out / "feedback.csv").is_file() and (tmp_path / "mydemo_truth" / "effects.json").is_file()
    assert cli_main(["demo-data", "--out", str(out)]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert cli_main(["demo-data", "--out", str(out), "--seed", "7"]) == 2
    assert "pass --force to replace it" in capsys.readouterr().err
    assert cli_main(["demo-data", "--out", str(out), "--seed", "7", "--force"]) == 0


# --- planted effects --------------------------------------------------------------------------

def test_courier_switch_slows_delivery(demo, fb):
    o = demo.tables["orders"]
    before = o.loc[o["order_date"] < SWITCH, "delivery_days"].mean()
    after = o.loc[o["order_date"] >= SWITCH, "delivery_days"].mean()
    assert after - before > 1.5
    ids = _theme_ids(demo, "delivery_delay")
    ratio = _share(fb, ids, fb["created_at"] >= SWITCH) / _share(fb, ids, fb["created_at"] < SWITCH)
    assert 2.2 < ratio < 4.5
    tk = demo.tables["tickets"]
    email = tk[tk["channel"] == "email"]
    wait = (email["first_response_at"] - email["opened_at"]).dt.total_seconds()
    assert wait[email["opened_at"] >= SWITCH].median() > 1.5 * wait[email["opened_at"] < SWITCH].median()
    # delivery NPS drops
    delivery = fb[fb["touchpoint"].isin(["delivery", "shipping"]) & fb["nps"].notna()]
    assert delivery.loc[delivery["created_at"] >= SWITCH, "nps"].mean() < \
        delivery.loc[delivery["created_at"] < SWITCH, "nps"].mean() - 0.5


def test_checkout_fix_lowers_checkout_complaints(demo, fb):
    ids = _theme_ids(demo, "checkout_payment", "neg")
    before = _share(fb, ids, (fb["created_at"] < FIX) & (fb["created_at"] >= FIX - pd.Timedelta(days=150)))
    after = _share(fb, ids, fb["created_at"] >= FIX)
    assert after < 0.3 * before
    o = demo.tables["orders"]
    abandoned = (o["status"] == "abandoned").groupby(o["order_date"] >= FIX).mean()
    assert abandoned[True] < 0.6 * abandoned[False]


def test_size_guide_changes_nothing(demo, fb):
    ids = _theme_ids(demo, "sizing_fit")
    window = pd.Timedelta(days=180)
    before = _share(fb, ids, (fb["created_at"] < GUIDE) & (fb["created_at"] >= GUIDE - window))
    after = _share(fb, ids, (fb["created_at"] >= GUIDE) & (fb["created_at"] < GUIDE + window))
    assert 0.75 < after / before < 1.33


def test_returns_has_the_largest_gap_and_staff_overrate_service(demo):
    ts, es = demo.tables["touchpoint_survey"], demo.tables["employee_survey"]
    gap = (ts["perception"] - ts["expectation"]).groupby(ts["touchpoint"]).mean()
    assert gap.idxmin() == "returns"
    assert gap["returns"] < gap.drop("returns").min() - 0.5
    staff_minus_customers = (es.groupby("touchpoint")["perception"].mean()
                             - ts.groupby("touchpoint")["perception"].mean())
    assert staff_minus_customers.idxmax() == "customer_service"
    assert staff_minus_customers["customer_service"] > 1.2


def test_personas_differ_in_behaviour_and_kpis(demo, fb):
    personas = demo.truth["customer_personas"]
    c = demo.tables["customers"].merge(personas, on="customer_id")
    age = c.groupby("persona")["age"].mean()
    assert age.max() - age.min() > 20
    churn = c.groupby("persona")["churned"].mean()
    assert churn.max() > 3 * churn.min()
    o = demo.tables["orders"].merge(personas, on="customer_id")
    spend = o.groupby("persona")["amount"].median()
    assert spend.max() > 3 * spend.min()
    assert o.groupby("persona")["returned"].mean().idxmax() == "trend_seeker"
    nps = fb.dropna(subset=["nps"]).groupby("persona")["nps"].mean()
    assert nps.max() - nps.min() > 2
    assert nps.idxmax() == "loyal_premium"
    # top pain point differs by persona
    th = demo.truth["feedback_themes"].merge(fb[["feedback_id", "persona"]], on="feedback_id")
    th = th[th["polarity"] == "neg"]
    top = th.groupby("persona")["theme"].agg(lambda s: s.value_counts().idxmax())
    assert top["value_hunter"] == "price_value"
    assert top.nunique() >= 3


def test_themes_move_outcomes_differently(demo, fb):
    scored = fb.dropna(subset=["nps"])
    drops = {}
    for theme in K.THEMES:
        ids = _theme_ids(demo, theme, "neg")
        m = scored["feedback_id"].isin(ids)
        if m.sum() >= 30:
            drops[theme] = scored.loc[~m, "nps"].mean() - scored.loc[m, "nps"].mean()
    assert all(d > 0.3 for d in drops.values()), drops
    assert drops["customer_service"] > drops["app_website"] + 1
    praise = scored["feedback_id"].isin(_theme_ids(demo, "style_design", "pos"))
    assert scored.loc[praise, "nps"].mean() > scored.loc[~praise, "nps"].mean()


def test_competitors_threadly_ahead_on_delivery(demo):
    th = demo.truth["feedback_themes"].merge(demo.tables["feedback"][["feedback_id", "brand"]])
    d = th[th["theme"] == "delivery_delay"]
    pos = (d["polarity"] == "pos").groupby(d["brand"]).mean()
    assert pos["Threadly"] > 0.6 and pos["Loomwear"] < 0.3
    social = demo.tables["feedback"][demo.tables["feedback"]["channel"] == "social"]
    assert 0.1 < (social["brand"] != "Loomwear").mean() < 0.4
    assert social.loc[social["brand"] == "Threadly", "text"].str.contains("@Threadly").any()


# --- comment text -----------------------------------------------------------------------------

def test_comments_raise_several_themes_with_own_sentiment(demo, fb):
    meta = demo.truth["feedback_meta"]
    assert 0.25 < (meta["n_themes"] >= 2).mean() < 0.6
    th = demo.truth["feedback_themes"]
    mixed = th.groupby("feedback_id")["polarity"].nunique()
    assert (mixed == 2).sum() > 500
    mixed_text = fb.loc[fb["feedback_id"].isin(mixed[mixed == 2].index), "text"].str.lower()
    assert mixed_text.str.contains(r"\bbut\b|however|although|shame|at least|though").mean() > 0.5
    pol = th.groupby("feedback_id")["polarity"].agg(set)
    only_pos = fb["feedback_id"].isin(pol[pol == {"pos"}].index)
    only_neg = fb["feedback_id"].isin(pol[pol == {"neg"}].index)
    assert fb.loc[only_pos, "sentiment"].mean() > 0.3 > -0.3 > fb.loc[only_neg, "sentiment"].mean()


def test_comments_are_varied(fb):
    text = fb["text"].dropna()
    long = text[text.str.len() > 20]
    assert long.nunique() / len(long) > 0.9
    words = set(re.findall(r"[a-z']+", " ".join(long).lower()))
    assert len(words) > 1500
    for theme, banks in CLAUSES.items():
        assert len(banks["neg"]) >= (6 if theme == "style_design" else 20), theme
        assert len(banks["pos"]) >= 6, theme


def test_comments_carry_real_world_mess(demo, fb):
    text = fb["text"].fillna("")
    meta = fb
    assert (meta["kind"] == "empty").sum() >= 20 and (text.str.strip() == "").sum() >= 20
    assert (meta["kind"] == "short").sum() >= 100
    assert set(meta["language"].dropna()) >= {"en", "fr", "es", "de"}
    assert meta["noise"].fillna("").str.contains("typo").mean() > 0.08
    assert text.str.contains("[😡👍❤🙄]").sum() > 200
    assert (text.str.contains("'") & ~text.str.contains("n't")).any()
    assert text.str.contains(r"\b(?:doesnt|didnt|wasnt|hasnt|dont|cant)\b").sum() > 50
    assert text.str.contains(r"<(?:p|br|b|div)\b").sum() >= 20
    assert text.str.match(r"=(?:HYPERLINK|1\+1|IMPORTXML)").sum() >= 5
    assert text.str.contains("order #LW|order number LW|order ref LW|order LW").sum() > 300
    social = text[fb["channel"] == "social"]
    assert social.str.contains("#").mean() > 0.2 and social.str.contains("@").mean() > 0.4


def test_planted_personal_data_is_recorded(demo):
    pii = demo.truth["pii"]
    assert set(pii["kind"]) == {"email", "phone", "card", "address"}
    assert pii["feedback_id"].nunique() > 150
    text = demo.tables["feedback"].set_index("feedback_id")["text"]
    for row in pii.itertuples():
        assert row.value in text[row.feedback_id]
    phones = pii.loc[pii["kind"] == "phone", "value"]
    assert phones.str.contains(r"07700 ?900\d{3}").any()
    cards = pii.loc[pii["kind"] == "card", "value"].str.replace(r"\D", "", regex=True)
    assert cards.str.len().eq(16).all() and cards.map(_luhn_ok).all()


def _luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number][::-1]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
    return total % 10 == 0


def test_grammar_expands_alternatives_and_typos_are_small():
    import random

    rnd = random.Random(0)
    seen = {G.expand("a [b|c|[d|e]] f", rnd) for _ in range(200)}
    assert seen == {"a b f", "a c f", "a d f", "a e f"}
    assert G.expand("no brackets", rnd) == "no brackets"
    word = "delivery"
    typos = {G.typo(rnd, word) for _ in range(100)}
    assert all(abs(len(t) - len(word)) <= 1 and t[0] == "d" for t in typos)
    assert len(typos) > 5


@pytest.mark.parametrize("category", ["dresses", "jeans"])  # singular and plural nouns
def test_every_template_expands_cleanly(category):
    rnd = G.FastRandom(1)
    banks = [t for b in CLAUSES.values() for pol in ("neg", "pos") for t in b[pol]]
    for template in banks:
        for when in (pd.Timestamp("2025-03-01"), pd.Timestamp("2025-12-01")):
            ctx = G.make_context(rnd, category=category, created_at=when, brand="Loomwear",
                                 order_id="LW123456", channel="survey")
            text = G.expand(template.lstrip("!~"), rnd).format_map(ctx)
            assert not re.search(r"[\[\]{}|~]", text), (template, text)
            assert text.strip() and not text.startswith((",", ".")), (template, text)
    text, sentiment, _ = G.compose(rnd, [("style_design", "pos"), ("delivery_delay", "neg")],
                                   ctx, channel="survey")
    assert -1 <= sentiment <= 1 and "  " not in text


def test_ensure_regenerates_for_another_seed_or_version(tmp_path, demo, monkeypatch):
    seeds = []

    def fake_make(**kwargs):
        seeds.append(kwargs["random_state"])
        return demo

    monkeypatch.setattr(_write, "make_demo_data", fake_make)
    ensure_demo_data(tmp_path)
    ensure_demo_data(tmp_path, random_state=0)
    assert seeds == [0]
    truth = config.demo_truth_dir(tmp_path)
    manifest = json.loads((truth / "manifest.json").read_text())
    manifest["generator_version"] = "0"
    (truth / "manifest.json").write_text(json.dumps(manifest))
    ensure_demo_data(tmp_path)
    assert seeds == [0, 0]
    assert json.loads((truth / "manifest.json").read_text())["generator_version"] == K.GENERATOR_VERSION
