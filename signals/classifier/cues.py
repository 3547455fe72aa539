"""Words that can carry a conflict (reduce, downgrade, cancel, alternatives) in any domain.

The conflict model reads the whole text; on a plain request to add something it has read
a conflict where none is written ("add the analytics module to our contract from next
month" as *reduce*), and a conflict turns a buying signal into Stop with a reason the
customer never gave. A conflict reading is kept only when the text has at least one of
these cues (or a conflict phrase rule fired). The list is broad on purpose: it is a gate
against conflicts read from nothing, not a detector; on the corpus' 1,508 labelled
conflicts (17 writers, round 8) 99% carry one of them (docs/classifier.md, "Conflict cues").
"""

import re

from .direction import without_growth

_CUES = (
    # less, fewer, removing, stopping
    r"reduc\w*|decreas\w*|fewer|less\b|lower\w*|cut\w*|trim\w*|drop\w*|remov\w*|delet\w*|deactivat\w*",
    r"disabl\w*|switch\w* off|turn\w* off|shut\w* (?:off|down)|tak\w+ \w+ off|off (?:the|our|next)",
    r"no longer|(?:don'?t|do not|won'?t|will not|not) (?:need|use|want|require|continu\w*|extend\w*|keep|renew\w*)",
    r"stop\w*|ends?\b|ending|ended|run out|runs out|not to|keep paying|be extend\w*|terminat\w*|cancel\w*|scal\w+ (?:back|down)|shrink\w*|downsiz\w*|let \w+ go",
    r"paus\w*|freez\w*|frozen|suspend\w*|on hold|hold\b|hibernat\w*|on ice|decommission\w*|offboard\w*",
    r"releas\w*|return\w*|give back|hand back|unused|surplus|too many|excess|overpay\w*|right-?siz\w*",
    r"consolidat\w*|non-?renew\w*|discontinu\w*|opt\w* out|unsubscrib\w*|minus|down to|(?:go|goes|going) down",
    r"back to|smaller|rid of|without the|wind\w* down|phas\w+ out|sunset\w*|retir\w*|only need|half|shorten\w*",
    # a lower plan
    r"downgrad\w*|downshift\w*|cheaper|cheapest|lowest|basic|starter|essen\w*|standard|step\w* down",
    r"mov\w+ (?:\w+ ){0,3}(?:back|down|from|to|over|away|off|on)|go(?:ing)? (?:back|from)|switch\w*|pass to",
    r"less expensive|entry|lite\b|light(?:er)?\b|free (?:plan|tier|version)",
    # leaving
    r"not (?:be )?renew\w*|renew\w*|renovac\w*|r[ée]siliation|lapse|expir\w*|clos\w*|leav\w*|walk\w* away",
    r"pull the plug|re-?up\w*|quit\w*|exit\w*|churn\w*|notice|migrat\w*|part ways|goodbye|last (?:month|year|invoice|day)",
    # someone else
    r"alternativ\w*|competitor\w*|rival\w*|rfp|rfi|rfq|tender\w*|evaluat\w*|trial\w*|pilot\w*|compar\w*",
    r"other|another|elsewhere|look\w* (?:at|around)|shop\w* around|quot\w*|bid\w*|benchmark\w*|poc\b",
    r"proof of concept|demo\w*|vs\.?|versus|instead|replac\w*|option\w*|market|procurement|selection|supplier\w*",
    r"bake-?off|test\w*|consider\w*|stay\b|budget cut\w*|sav(?:e|ing)\w*|cost\w*|penalt\w*|export\w*",
    # round 8's writers: taking people off, pulling out, going in-house, the plan below
    r"take (?:\w+ ){0,3}off|take off|pull\w* (?:\w+ )?(?:out|off)|pull\w* the plug|in-house|proposals?|try(?:ing)? out|we'?re gone|put us back",
    r"(?:one|plan|tier) below|small(?:er)? plan|change to the",
    # other languages (the conflict phrase rules' words: rules.py, "Customers who write in their own language")
    r"herabstuf\w*|reduzier\w*|kündig\w*|zmniejsz\w*|tańsz\w*|rezygn\w*|przetarg\w*|tirar|barat\w*|fornecedores",
)
CONFLICT_CUES = re.compile(r"\b(?:" + "|".join(_CUES) + r")|->|→|外し|解約|他社|比較検討|プランへの変更", re.IGNORECASE)


def has_conflict_cue(text: str) -> bool:
    """Whether the text has a conflict cue; a count going up ("go from 25 to 40 users") is none."""
    return CONFLICT_CUES.search(without_growth(text)) is not None
