"""How official Chinese documents write dates and amounts."""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "万", "亿", "万亿")


def official_date(day):
    """GB/T 9704-2012 writes dates in Arabic numerals, without leading zeros: 2026年11月29日."""
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def _four(digits):
    """A group of up to four digits (a str, most significant first) in capitals, with 零 between."""
    text, zero = "", False
    for position, char in enumerate(digits):
        digit = int(char)
        unit = SMALL_UNITS[len(digits) - 1 - position]
        if digit == 0:
            zero = True
            continue
        if zero and text:
            text += "零"
        zero = False
        text += DIGITS[digit] + unit
    return text


def amount_in_words(amount):
    """An amount in yuan in capitals, as a payment document writes it (人民币大写):
    1234500.50 → 壹佰贰拾叁万肆仟伍佰元伍角整; 100 → 壹佰元整; 0.07 → 柒分."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        return "负" + amount_in_words(-amount)
    yuan, fen = divmod(int(amount * 100), 100)
    jiao, fen = divmod(fen, 10)
    integer = ""
    if yuan:
        text = str(yuan)
        groups = []
        while text:
            groups.insert(0, text[-4:])
            text = text[:-4]
        zero_pending = False
        for index, group in enumerate(groups):
            unit = BIG_UNITS[len(groups) - 1 - index]
            words = _four(group)
            if not words:
                zero_pending = True
                continue
            if integer and (zero_pending or group[0] == "0"):
                integer += "零"
            zero_pending = False
            integer += words + unit
        integer += "元"
    decimals = ""
    if jiao:
        decimals += DIGITS[jiao] + "角"
    if fen:
        if integer and not jiao:
            decimals += "零"
        decimals += DIGITS[fen] + "分"
    if not integer and not decimals:
        return "零元整"
    return integer + (decimals if fen else decimals + "整")
