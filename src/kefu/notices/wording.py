"""What a notice says: to customers and key people by text and e-mail, and to the account
managers whose customers it told, in the reader's language (zh-CN or en)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from kefu.notices.models import Notice

GROUPS_NAMED = 5  # groups named in an account manager's e-mail; the rest are counted


def title_in_english(notice: Notice) -> str:
    """The title said and sent in English: the Chinese one when none was written."""
    return notice.title_en or notice.title


def window_text(notice: Notice, zone: str, english: bool) -> str:
    """The work's window as said to customers: 12月9日01:00至05:00, 09 Dec 01:00 to 05:00."""
    starts = notice.starts_at.astimezone(ZoneInfo(zone))
    ends = notice.ends_at.astimezone(ZoneInfo(zone))
    same_day = starts.date() == ends.date()
    if english:
        end = ends.strftime("%H:%M" if same_day else "%d %b %H:%M")
        return f"{starts.strftime('%d %b %H:%M')} to {end}"
    end = f"{ends:%H:%M}" if same_day else f"{ends.month}月{ends.day}日{ends:%H:%M}"
    return f"{starts.month}月{starts.day}日{starts:%H:%M}至{end}"


def notice_text(notice: Notice, *, zone: str, english: bool, called_off: bool = False) -> str:
    """The notice as texted and mailed, in the customer's language."""
    when = window_text(notice, zone, english)
    if english:
        if called_off:
            return f"[Notice] Called off: {title_in_english(notice)} ({when}) will not take place."
        return f"[Notice] {title_in_english(notice)}, {when}. {notice.body_en or notice.body}"
    if called_off:
        return f"【大客户通告】原定{when}的“{notice.title}”已取消，届时业务不受影响。"
    return f"【大客户通告】{notice.title}：{when}。{notice.body}"


def subject(notice: Notice, english: bool) -> str:
    """The e-mail's subject line."""
    return f"[Notice] {title_in_english(notice)}" if english else f"【大客户通告】{notice.title}"


def manager_text(
    notice: Notice,
    *,
    zone: str,
    english: bool,
    customers: int,
    groups: list[str],
    called_off: bool = False,
) -> str:
    """To an account manager: which of their customers and groups were told (or told the
    work is called off), so they follow up in person (专人服务)."""
    when = window_text(notice, zone, english)
    named = groups[:GROUPS_NAMED]
    if english:
        whom = [f"{customers} of your customers"] if customers else []
        if groups:
            more = f" and {len(groups) - len(named)} more" if len(groups) > len(named) else ""
            whom.append(f"the key people of your groups {', '.join(named)}{more}")
        told = " and ".join(whom)
        if called_off:
            return f"{title_in_english(notice)} ({when}) is called off; {told} have been told."
        return (
            f"{title_in_english(notice)} ({when}) has been sent to {told}. "
            "Please follow up with them."
        )
    whom = [f"您负责的{customers}位客户"] if customers else []
    if groups:
        more = f"等{len(groups)}个集团" if len(groups) > len(named) else ""
        whom.append(f"集团{'、'.join(named)}{more}的关键人")
    told = "及".join(whom)
    if called_off:
        return f"原定{when}的“{notice.title}”已取消，已告知{told}。"
    return f"“{notice.title}”（{when}）的通告已发给{told}。请主动联系客户，做好解释和准备。"
