"""termsieve: bilingual Chinese-English terminology extraction, review and consistency checking.

    import termsieve
    corpus = termsieve.read(["report.tmx"])
    for term in termsieve.extract(corpus).terms[:10]:
        print(term.source, term.target, term.score)
"""

__version__ = "0.1.0"

_API = ("ExtractOptions", "align_terms", "extract", "read", "read_term_list")


def __getattr__(name: str):
    # The pipeline is imported on first use, so `termsieve check` and `--help` start fast.
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'termsieve' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
