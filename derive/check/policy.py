"""Every tolerance, guess, word list and budget of ``derive check``, in one place.

A rule that can change a verdict reads its numbers and words from ``POLICY``
and from nowhere else; the README's policy table lists each entry with the
reason below (a test keeps the two in step). Change a value here and the
mutation benchmark (``bench/mutation.py``) says what it costs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


# data units with a decimal prefix, by power of 1000 (Kb, Mb, Gb are bits: not among them)
_DATA_PREFIXED = (("KB", "kB", "kb"), ("MB", "mb"), ("GB", "gb"), ("TB", "tb"), ("PB",))


def _rule(value, why: str):
    """A policy entry: its value and the one line that justifies it."""
    if isinstance(value, (set, list, dict)):
        return field(default_factory=lambda: type(value)(value), metadata={"why": why})
    return field(default=value, metadata={"why": why})


@dataclass(frozen=True)
class Policy:
    # ---------------------------------------------------------------- numbers as written
    rounding_given_digits: int = _rule(
        3, "a value nothing computes, given with this many significant digits or more, may be a rounding "
           "(0.1 and 0.0002 are exact)")
    rounding_working_digits: int = _rule(
        4, "a number written between two computations (e^{1.7678}) with this many digits may be a rounding")
    rounding_after_approx_digits: int = _rule(
        2, "a number written after \\approx with this many digits is a rounding")
    complete_digits: int = _rule(
        3, "an entry of a matrix with this many significant digits keeps its decimals; a shorter one has the "
           "matrix's finest (0.8 beside 0.5415 is 0.8000)")
    exact_decimals: int = _rule(
        60, "a whole-number grid printed without a point is exact: judged to this many decimals")

    number_suffixes: tuple = _rule(
        (("k", 3), ("K", 3), ("M", 6), ("B", 9)),
        "suffixes of a number in plain text (124M, 1.5B, 12k), and in LaTeX on the value a chain ends in "
        "when the letter touches it (= 131.072M): a power of ten, and the number is good to its last digit "
        "times that power (124M is 124,000,000 to the million)")

    number_words: tuple = _rule(
        (("thousand", 3), ("million", 6), ("billion", 9), ("trillion", 12)),
        "words after a number in plain text (52 billion): a power of ten, and the number is good to its last "
        "digit times that power, like a suffix")
    rounded_up_evidence: int = _rule(
        1, "a document that prints this many values rounded up (where cutting toward zero would print another "
           "number) rounds: a value cut toward zero in it is wrong, not a truncation")

    ahead_lines: int = _rule(
        120, "a value given that nothing uses before a working this many lines further down computes it afresh "
             "is a result stated ahead (a final answer first), judged against that working")
    case_lines: int = _rule(
        3, "a name given a value in text, then within this many lines given another (neither computed): "
           "a list of cases (\"The\": Query = [..], then \"dog\": Query = [..]), not a slip",)
    restated_result_lines: int = _rule(
        8, "a value announced as changed ('after the update, P = ...') within this many lines below the "
           "working that computed the name restates that result: another number there is a slip")
    neutral_keywords: tuple = _rule(
        ("dtype", "device", "requires_grad"),
        "keyword arguments of a call in code that do not change the numbers it computes "
        "(torch.tensor(x, dtype=torch.float32) is x); dim=-1 and axis=-1 (the last axis, derive's "
        "reading of a matrix's softmax) are dropped too; a call with any other keyword is not read")
    random_calls: tuple = _rule(
        ("np.random.", "numpy.random.", "random.random", "random.randint", "random.uniform", "random.gauss",
         "random.choice", "random.shuffle", "torch.rand", "torch.randn", "torch.randint", "torch.randperm",
         "tf.random."),
        "code calling these without a seed (seed, manual_seed, default_rng(n)) prints other numbers each run: "
        "its outputs are unverifiable with --run-code, never wrong")
    applied_functions: dict = _rule(
        {"softmax": "softmax", "softmax probabilities": "softmax", "sigmoid": "sigmoid", "relu": "relu",
         "tanh": "tanh"},
        "a plain-text label naming a function: 'Softmax: [..]' claims that function of the input list above it")
    applied_trailing_words: tuple = _rule(
        ("output", "outputs", "result", "results", "values", "probabilities", "probs", "distribution", "weights"),
        "words after a function's name in such a label ('Softmax output:')")
    applied_leading_words: tuple = _rule(
        ("after", "apply", "applying", "applied", "take", "taking"),
        "words before a function's name in such a label ('After softmax: [..]'), or alone with it on the "
        "line just above the list ('Apply softmax:')")
    applied_inputs: tuple = _rule(
        ("score", "logit", "input", "scaled", "mask"),
        "words that say a list above is a function's input (a list of exponentials is not)")
    row_statistics: dict = _rule(
        {"mean": "mean", "avg": "mean", "average": "mean", "std": "std", "var": "var", "variance": "var",
         "sum": "sum"},
        "words for a statistic of a labelled row ('\"Hello\": mean=0.25, std=0.364' under a listing whose "
        "rows have those labels in comments)")
    total_words: tuple = _rule(
        ("total", "sum", "overall", "grand total", "total params", "total parameters"),
        "a table column or row (its header or first cell) that is the sum of the numbers before it, where "
        "one row or column of the table adds up")
    applied_window: int = _rule(
        12, "lines above a 'Softmax: [..]' line searched for its input list")
    entry_list_gap: int = _rule(
        3, "lines of prose allowed between an output block and a list restating its vector's entries item by item")

    # ---------------------------------------------------------------- hypotheses
    enclosure_max_units: int = _rule(
        10, "an enclosure wider than this many units in the printed last place cannot vouch for the digits")
    enclosure_excuse_units: int = _rule(
        2, "an entry the chosen hypothesis misses is still rounded when an enclosure this narrow holds it")
    coarse_enclosure_units: int = _rule(
        100, "a result outside every narrow hypothesis but inside an enclosure of its inputs' rounding this many "
             "units wide is unverifiable, not wrong (the author may have carried unrounded values)")
    derivative_relative: float = _rule(
        0.01, "a derivative printed further than this (relative, and two last-place units) from the one the "
              "document's own formulas give is wrong from first principles")
    formula_size: int = _rule(
        3, "entries of every vector (and rows and columns of every matrix) when a derivative formula is proved "
           "under a document's definitions: the verdict says the proof is at that size")
    formula_seconds: float = _rule(
        6.0, "the wall time one derivative formula may take to read, prove or refute; past it the formula is "
             "unverifiable, or only checked at points")
    formula_document_seconds: float = _rule(
        90.0, "the wall time all of one document's derivative formulas may take; past it the rest are "
              "unverifiable and say why")
    max_formula_claims: int = _rule(
        60, "the most derivative formulas proved in one document; the rest are unverifiable and say why")
    index_letters: tuple = _rule(
        ("i", "j", "k", "l", "m"), "a subscript that is one of these letters in a derivative's name (z_i, "
                                   "p_i / z_j) is an index running over the entries; any other is part of a name")
    capital_matrices: bool = _rule(
        True, "a free name of one capital letter (W, X, W_1) in a derivative formula is a square matrix unless "
              "the document declares it (x \\in \\mathbb{R}^n): read as a number, W g and W^T g would agree")
    distribution_words: tuple = _rule(
        ("one-hot", "one hot", "sum to 1", "sums to 1", "sum to one", "sums to one", "sum up to 1",
         "probability distribution", "distribution over"),
        "a derivative formula that holds only when a vector's entries sum to 1 (p - y for one-hot y) is right "
        "when the document says one of these in a sentence that names the vector; without them it is unverifiable "
        "and says so")
    equation_max_relative: float = _rule(
        0.01, "two written computations agree within their numbers' rounding only if that is under 1% of them")
    screen_units: int = _rule(
        1000, "a candidate further than this many last-place units from the printed value is not judged")
    max_combinations: int = _rule(
        256, "choices of earlier values tried for the names of one formula")
    max_candidates: int = _rule(
        5, "values of one name tried, latest first (a name reused in a document)")
    candidate_lookback: int = _rule(
        64, "earlier values of one name looked at to find those candidates, latest first: a name "
        "given the same value a thousand times costs a claim no more than one given it 64 times")

    # ---------------------------------------------------------------- guesses
    epsilons: tuple = _rule(
        ("1e-5", "1e-12"), "epsilons of a layer norm tried when the document names none (1e-6 is the default)")
    dimension_names: frozenset = _rule(
        frozenset({"d_k", "d_v", "d_q", "d_model", "d", "d_{k}", "d_head", "n", "d_ff"}),
        "names guessed from the widths of recent matrices when the document never gives them")
    argument_candidates: int = _rule(
        12, "matrices tried for the argument of LN(x_i) when x_i is never given")
    constants: frozenset = _rule(
        frozenset({"e", "pi"}), "names that keep their exact value: e \\approx 2.718 approximates, never rebinds")

    # ---------------------------------------------------------------- prose
    supposing_words: frozenset = _rule(
        frozenset({"at", "if", "when", "whenever", "for", "suppose", "supposing", "assume", "assuming", "say",
                   "were"}),
        "inline math soon after these words supposes a value (a case): it claims nothing about the name")
    supposing_reach: int = _rule(
        3, "how many words before inline math a supposing word may stand (for the input $x = ...$)")
    would_words: frozenset = _rule(
        frozenset({"would", "could", "might", "hypothetically", "imagine"}),
        "math in a sentence with these words supposes a value")
    changing_words: frozenset = _rule(
        frozenset({"now", "new", "instead", "switch", "change", "changes", "changed", "replace", "becomes",
                   "another", "next", "update", "updated"}),
        "a new value in a sentence with these words is announced: it may replace the old one")

    plain_units: frozenset = _rule(
        frozenset({"nats", "nat", "bits", "bit"}),
        "units that label a value without changing it; after any other unit (days, GB) that no member before "
        "it was converted from (unit_scales), a value far from the one computed is unverifiable")
    unit_words: frozenset = _rule(
        frozenset({"months"}),
        "words after a value in plain text read as its unit though no chain converts them (as \\text{months} "
        "is in LaTeX); every unit of unit_scales is read too")
    unit_scales: dict = _rule(
        {**{w: ("time", 1) for w in ("s", "sec", "secs", "second", "seconds")},
         **{w: ("time", 60) for w in ("min", "mins", "minute", "minutes")},
         **{w: ("time", 3600) for w in ("h", "hr", "hrs", "hour", "hours")},
         **{w: ("time", 86400) for w in ("day", "days")},
         **{w: ("time", 604800) for w in ("week", "weeks")},
         **{w: ("time", 365 * 86400) for w in ("year", "years", "yr", "yrs")},
         **{p + w: ("compute", 10 ** e) for p, e in (("", 0), ("G", 9), ("T", 12), ("P", 15), ("E", 18))
            for w in ("FLOP", "FLOPs")},
         **{w: ("data", 1) for w in ("byte", "bytes")},
         **{w: ("data", 1000 ** e) for e, ws in enumerate(_DATA_PREFIXED, 1) for w in ws},
         **{p + "iB": ("data", 1024 ** e) for e, p in enumerate("KMGTP", 1)}},
        "units a chain converts between, with their size in one base unit of their kind: '= 1282 secs = "
        "0.0148 days' is judged in days, '160 KB x 32,768 = 5.3 GB' in GB (KB, MB, GB as powers of 1000: "
        "binary_units is the other reading; months, whose size is a convention, are not converted)")
    julian_years: dict = _rule(
        {w: 36525 * 864 for w in ("year", "years", "yr", "yrs")},
        "a year is 365 days; a chain wrong with that is read again with 365.25, and the verdict says so")
    binary_units: dict = _rule(
        {w: 1024 ** e for e, ws in enumerate(_DATA_PREFIXED, 1) for w in ws},
        "data units that also name powers of 1024 (GB for GiB): a chain wrong with powers of 1000 is read "
        "again with these sizes, in every unit of the chain at once, and the verdict says so")
    counted_units: dict = _rule(
        {"data": "B"},
        "a working with no unit equated to a value in a unit of this kind counts the base unit (2 x 80 x 2 "
        "= 320 B = 0.32 KB); read again in the value's own unit when that makes it wrong (70 x 2 = 140 GB)")
    unit_ratio: float = _rule(
        5.0, "a value printed with a unit is far from the one computed (a conversion, maybe) beyond this ratio")

    # ---------------------------------------------------------------- reading
    pending_lines: int = _rule(
        8, "a displayed formula alone waits this many lines for the value printed under it")
    known_values: int = _rule(
        60, "earlier values compared with a matrix printed without a name")
    known_min_entries: int = _rule(
        4, "a value printed without a name is matched to an earlier one only with this many entries")
    given_later: bool = _rule(
        True, "a name the text gives one number and no other, further down in the same section, has that value "
              "in the working above it (the variables listed after the FLOP counts that use them)")
    output_gap_chars: int = _rule(
        300, "prose allowed between a code block and the output block that belongs to it")
    fact_roundable: tuple = _rule(
        ("params", "vocab"), "attributes of a known model whose stated value may be a rounding of the published "
                             "one (124M for 124,439,808); layers, widths and heads must match exactly")
    fact_reach: int = _rule(
        240, "the most characters between a model's name and a number for the number to be a fact about it")
    output_heading_words: tuple = _rule(
        ("output", "outputs", "result", "results", "prints", "printed", "console"),
        "a heading with one of these words between code and a plain block keeps them paired (### Expected output)")
    entry_functions: frozenset = _rule(
        frozenset({"softmax", "Softmax"}),
        "functions whose value at one number is a constant (softmax(x) = 1): f(10) is read as the entry "
        "for score 10 of a row, which is left unverifiable, never judged as f of one number")

    # ---------------------------------------------------------------- diagnosis
    max_variants: int = _rule(80, "variants of a formula tried to explain one wrong claim")
    max_expansions: int = _rule(3, "named operands expanded one step up to look for the mistake there")
    other_operands: int = _rule(8, "values of the same shape tried in place of an operand")
    rounded_input_decimals: tuple = _rule(
        (4, 3, 2, 1), "decimals the inputs may have been rounded to before use")
    scale_factors: tuple = _rule(
        (("2", 2), ("1/2", 0.5), ("-1", -1), ("10", 10), ("1/10", 0.1), ("sqrt(2)", 2**0.5),
         ("1/sqrt(2)", 2**-0.5), ("4", 4), ("1/4", 0.25), ("8", 8), ("1/8", 0.125),
         ("sqrt(3)", 3**0.5), ("1/sqrt(3)", 3**-0.5)),
        "common factors a whole result may be off by (a missing or extra scale)")

    # ---------------------------------------------------------------- budgets
    max_bytes: int = _rule(4 * 1024 * 1024, "the largest document derive reads, in bytes")
    max_claims: int = _rule(
        5000, "the most claims judged in one document (an output block's items count one each); the rest of "
              "the document is one finding that says where judging stopped")
    output_items: int = _rule(
        2000, "the most items of one output block judged; the rest of the block is one finding")
    claim_seconds: float = _rule(
        8.0, "the wall time one claim may take to judge, and one statement, table or block to read and bind "
              "(a claim that runs code has run_seconds more); past it the claim is unverifiable and says so")
    memory_mb: int = _rule(
        3072, "the memory (data segment) a `derive check` command may use; a claim that needs more is "
              "unverifiable and says so, and the rest is judged")
    document_seconds: float = _rule(
        300.0, "the wall time one document's claims may take; past it the rest is one finding that says where "
               "judging stopped")
    corpus_seconds: float = _rule(
        600.0, "the wall time one document may take when several are checked (folders, --jobs, --dask; "
               "--timeout overrides it): past it the document's process is stopped and the document is one "
               "line of the report, and the others go on")
    max_entries: int = _rule(10_000, "the most entries of a matrix derive evaluates")
    max_exponent: int = _rule(1000, "the largest exponent evaluated (10^{10^{10}} is refused)")
    max_power_fraction: int = _rule(
        10_000, "a power to a fraction p/q is evaluated only when p and q are at most this (x^{3.990319} is "
                "refused: SymPy writes out x^3990319 to simplify it)")
    max_sum_terms: int = _rule(1000, "the most terms a written sum may have")
    max_depth: int = _rule(200, "the deepest nesting of a formula derive evaluates")
    max_parse_depth: int = _rule(60, "the deepest nesting of a formula read")
    max_tokens: int = _rule(200_000, "the most tokens one math span may have")
    plain_part_tokens: int = _rule(
        80, "the longest side of a plain-text statement, in tokens: the reader tries each start and end of a "
            "side, so a bound keeps a long line of prose linear")
    pattern_max_index: int = _rule(64, "the largest whole value of a pattern's unknown (the i of PE_{(pos,2i)})")
    run_seconds: float = _rule(
        30.0, "time limit of one code block under --run-code, on the clock and (a second more) in CPU time")
    run_memory_mb: int = _rule(
        2048, "address space of one code block under --run-code, in MB (NumPy, SymPy and matplotlib need "
              "about 200); more is stopped with a MemoryError")
    run_output_mb: int = _rule(
        10, "what one code block may print under --run-code, in MB; it is stopped when it prints more")
    run_file_mb: int = _rule(
        64, "the largest file one code block may write under --run-code, in MB")
    run_processes: int = _rule(
        32, "processes (and threads) one code block may start under --run-code, on top of those its user "
            "already runs")
    run_values_mb: int = _rule(
        4, "the largest message of values a code block's footer may send back under --run-code, in MB "
           "(10,000 entries per name at most)")
    float_noise_digits: int = _rule(
        15, "a code output printed with this many significant digits is a float's full print")
    float32_digits: int = _rule(
        7, "a code output of single-precision floats (float32, a PyTorch or TensorFlow tensor) printed with this "
           "many significant digits, within 2^-22 (relative) of the exact value: its last digits are not judged "
           "without running the code")
    single_precision_markers: tuple = _rule(
        ("float32", "float16", "bfloat16", "tensor(", "tf.Tensor"),
        "an output block holding one of these prints single-precision floats (float32_digits applies)")
    float_noise_ulps: int = _rule(
        64, "two full prints of a float this many times 2^-52 apart (relative, absolute below 1) agree: "
            "another Python summed in another order")


POLICY = Policy()


def table() -> list[tuple[str, str, str]]:
    """(name, value, why) of every entry, in order (the README's table)."""
    return [(f.name, _shown(getattr(POLICY, f.name)), f.metadata["why"]) for f in fields(Policy)]


def _shown(value) -> str:
    if isinstance(value, frozenset):
        return ", ".join(sorted(value))
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return ", ".join(name for name, _ in value)
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)
