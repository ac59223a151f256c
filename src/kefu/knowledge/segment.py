"""Chinese word segmentation for the search index and for queries.

jieba has no notion of spaces between Chinese words, and neither FTS5's ``unicode61``
tokenizer nor PostgreSQL's ``simple`` configuration can split Chinese; so text is cut
into words here and stored space-separated, and queries are cut the same way. Search
mode (``cut_for_search``) also emits the parts of long words (中国移动 → 中国, 移动), so
a query for a part finds the whole.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

import jieba

# Words of a mobile operator's service that jieba's general dictionary splits badly.
TELECOM_WORDS = (
    "全球通",
    "动感地带",
    "神州行",
    "流量包",
    "套餐",
    "携号转网",
    "停机",
    "复机",
    "欠费",
    "话费",
    "扣费",
    "宽带",
    "光猫",
    "增值业务",
    "室内信号",
    "基站",
    "营业厅",
    "积分",
    "实名制",
    "补卡",
    "销户",
    "国际漫游",
    "来电显示",
    "彩铃",
    "短信",
    "验证码",
    "退订",
    "资费",
    "合约机",
    "靓号",
)
# Words that say nothing about what is asked; dropped from queries and the index.
STOP_WORDS = frozenset(
    (
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "是",
        "在",
        "有",
        "和",
        "与",
        "及",
        "或",
        "就",
        "都",
        "也",
        "还",
        "又",
        "我",
        "你",
        "他",
        "她",
        "它",
        "我们",
        "您",
        "这",
        "那",
        "这个",
        "那个",
        "什么",
        "怎么",
        "怎么办",
        "怎样",
        "如何",
        "为什么",
        "一个",
        "一下",
        "请问",
        "请",
        "能",
        "能否",
        "可以",
        "会",
        "要",
        "想",
        "被",
        "把",
        "给",
        "对",
        "从",
        "到",
        "让",
        "用",
        "个",
        "为",
        "之",
        "the",
        "a",
        "an",
        "of",
        "to",
        "and",
        "or",
        "is",
        "are",
    )
)
WORD = re.compile(r"\w+")
MAX_QUERY_TERMS = 16
_lock = threading.Lock()


_built: list[jieba.Tokenizer] = []  # the one tokenizer, once built


def _tokenizer() -> jieba.Tokenizer:
    # One tokenizer of kefu's own (not jieba's global one), built once: about a second.
    # The lock keeps a second caller waiting instead of building a second dictionary.
    if _built:
        return _built[0]
    with _lock:
        if not _built:
            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for word in TELECOM_WORDS:
                tokenizer.add_word(word, freq=20000)
            _built.append(tokenizer)
    return _built[0]


def warm_up() -> None:
    """Load the dictionary now rather than on the first search."""
    _tokenizer()


def warm_up_in_background(then: Callable[[], None] | None = None) -> None:
    """Load the dictionary beside the server's start, so the first agent to search does
    not wait the second it takes; ``then`` runs once it is loaded (a server settles its
    heap: the dictionary is most of its long-lived objects)."""

    def load() -> None:
        warm_up()
        if then is not None:
            then()

    threading.Thread(target=load, name="jieba-warm-up", daemon=True).start()


def words(text: str) -> list[str]:
    """The meaningful words of a text, lower-cased, in order (repeats kept)."""
    found = []
    for piece in _tokenizer().cut_for_search(text):
        token = piece.strip().lower()
        if token and WORD.fullmatch(token) and token not in STOP_WORDS:
            found.append(token)
    return found


def index_tokens(title: str, tags: str, body: str) -> str:
    """What the full-text index holds for an article: title twice, tags, body."""
    return " ".join([*words(title), *words(title), *words(tags), *words(body)])


# Callers ask with a bare verb (怎么退, 被扣了, 帮我停一下) that stays one character, while
# the library writes the compound (退费, 扣费, 停机). In a small library that rare
# character ranked a case which merely held it (一直没有退) above the article that
# answers (不明扣费退费答复口径), so a query's bare verb asks for its compounds too.
VERB_COMPOUNDS: dict[str, tuple[str, ...]] = {
    "退": ("退费", "退款", "退还", "退订"),
    "扣": ("扣费", "扣款"),
    "停": ("停机",),
    "开": ("开通",),
    "销": ("销户",),
    "补": ("补卡",),
    "充": ("充值",),
}


def query_terms(query: str) -> list[str]:
    """The distinct words of a query, in order, each bare verb followed by its compounds;
    at most ``MAX_QUERY_TERMS``."""
    terms: list[str] = []
    for word in words(query):
        terms.extend((word, *VERB_COMPOUNDS.get(word, ())))
    return list(dict.fromkeys(terms))[:MAX_QUERY_TERMS]
