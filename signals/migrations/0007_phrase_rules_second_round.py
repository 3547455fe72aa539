"""Phrase rules of the second classifier round for installs seeded before it: add the
new rules, and update a changed default only where the admin had not edited it (its
stored pattern is still the old default). Rules an admin deleted stay deleted."""

from django.db import migrations

ADDED = [
    {
        "name": "capacity.raise_resource",
        "pattern": "\\b(?:increase|raise|extend|expand|upgrade|top(?:ping)? up|bump|double|enlarge|augment)\\w*\\s+(?:the\\s+|our\\s+|my\\s+)?(?:[\\w-]+\\s+){0,2}?(?:storage|credits?|space|disk|bandwidth|api calls|throughput|sends|workspaces|environments|projects|contacts|records|minutes|hours|runs|jobs|hosts|events|messages|mau)\\b|\\btop(?:ping)?[- ]up\\b",
        "kind": "signal",
        "signal_type": "capacity",
        "conflict": "",
        "weight": 1.0,
    },
    {
        "name": "capacity.rate_needed",
        "pattern": "\\b(?:need|needs|want|require|requires)\\b.{0,40}?\\b\\d[\\d,.]*\\s*k?\\s*(?:req(?:uest)?s?|calls|messages|events)?\\s*(?:/|per\\s+)(?:min|minute|sec|second|hour|day|month)\\b|\\bget (?:it )?to \\d[\\d,.]*\\s*k?\\s*(?:/|per\\s+)(?:min|minute|sec|second|hour)\\b",
        "kind": "signal",
        "signal_type": "capacity",
        "conflict": "",
        "weight": 0.8,
    },
    {
        "name": "capacity.over_the_limit",
        "pattern": "\\bwhat happens (?:when|once|if|after) (?:we|you|our)\\b.{0,40}?\\b(?:over|exceed\\w*|pass|hit|use up|used up|run out|go beyond|outgrow)\\b|\\bupper (?:bound|limit)\\b|\\bhard stop\\b|\\bhow far can (?:the|your|it)\\b|\\b(?:bill|charge|invoice)\\w* (?:the|for) (?:excess|overage)\\b|\\boverages?\\b|\\bbigger pipe\\b|\\bnext band\\b|\\bkeep (?:[\\w-]+ ){1,2}(?:for )?longer\\b|\\b(?:lengthen|extend)\\w* (?:the )?retention\\b",
        "kind": "signal",
        "signal_type": "capacity",
        "conflict": "",
        "weight": 0.8,
    },
    {
        "name": "tier.move_to_plan",
        "pattern": "\\b(?:pass|passing|move|moving|switch|switching|go|going|change|changing)\\s+(?:us\\s+|our\\s+(?:subscription|account|contract)\\s+)?(?:definitively\\s+)?(?:from\\s+(?:the\\s+)?[\\w-]+\\s+(?:(?:plans?|tiers?|editions?)\\s+|formula\\s+|version\\s+)?)?to\\s+(?:the\\s+)?(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)\\b|\\bupgrad\\w* us\\b(?!\\s+to\\s+v?\\d)|\\b(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)\\s*(?:->|=>|>)\\s*(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)\\b|\\b(?:higher|upper|superior) (?:plans?|tiers?|formulas?|versions?|editions?)\\b|\\b(?:plan|formula|version|edition) (?:upper|superior|above)\\b|\\bnext one up\\b|\\bwe (?:take|want|choose|go for) the (?:enterprise|premium|ultimate|platinum|elite|corporate)\\b",
        "kind": "signal",
        "signal_type": "tier_upgrade",
        "conflict": "",
        "weight": 1.0,
    },
    {
        "name": "tier.price_of_higher_plan",
        "pattern": "\\b(?:pricing|prices?|quote|cost)\\s+(?:for|of|on)\\s+(?:the\\s+|an?\\s+)?(?:(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)|next|higher|bigger|top)\\s+(?:plans?|tiers?|editions?)",
        "kind": "signal",
        "signal_type": "tier_upgrade",
        "conflict": "",
        "weight": 1.0,
    },
    {
        "name": "tier.plan_as_version",
        "pattern": "\\b(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)\\s+(?:version|formula|edition|package|subscription)\\b|\\b(?:in|with) the (?:enterprise|premium|ultimate|platinum|elite|corporate)\\b",
        "kind": "signal",
        "signal_type": "tier_upgrade",
        "conflict": "",
        "weight": 0.7,
    },
    {
        "name": "addon.services",
        "pattern": "\\b(?:training|onboarding|implementation|consult(?:ancy|ing)|setup|set-up|configuration|migration|adoption)\\s+(?:package|packages|service|services|days?|sessions?|pack|hours|programme|program)\\b|\\b(?:sandbox|test|testing|staging|uat|pre-?production)\\s+(?:environment|instance|tenant|workspace|org)s?\\b|\\bhands-on workshops?\\b|\\b(?:integration|connector|extension|plug-?in)s?\\s+(?:pack|package|add-?on|module)\\b|\\b(?:the|a) (?:full|paid|premium|advanced) [\\w-]+ (?:integration|connector)\\b|\\bdedicated (?:support|account manager|csm|success manager)\\b|\\bpremium (?:[\\w/-]+ )?(?:sla|support)\\b|\\b(?:days?|hours?) of (?:consultancy|consulting|training|professional services|implementation|onboarding)\\b|\\b(?:health ?check|configuration review|config review)\\b",
        "kind": "signal",
        "signal_type": "add_on",
        "conflict": "",
        "weight": 1.0,
    },
    {
        "name": "seats.people_from_to",
        "pattern": "\\b(?:user |named user )?(?:licen[cs]es|seats|users|logins)\\s+from \\d+ to \\d+\\b|\\bfrom \\d+ to \\d+ (?:agents|people|staff|employees|technicians|reps|members|editors|admins|engineers|developers|seats|licen[cs]es|users)\\b|\\b\\d+ (?:more|additional|extra|new) (?:agents|people|staff|employees|technicians|técnicos|reps|editors|admins|engineers|developers|collaborators|accounts)\\b",
        "kind": "signal",
        "signal_type": "seats",
        "conflict": "",
        "weight": 0.8,
    },
    {
        "name": "seats.access_for",
        "pattern": "\\b(?:need|needing|want|get|give|enable|create|open)\\w*\\s+(?:[\\w-]+\\s+){0,3}?(?:access|logins?|accesses|user accounts?)\\s+(?:for|to)\\b|\\b(?:have|get) (?:an? )?access to the\\b",
        "kind": "signal",
        "signal_type": "seats",
        "conflict": "",
        "weight": 0.6,
    },
    {
        "name": "scale.onto_our_system",
        "pattern": "\\b(?:onto|on to|into|inside) (?:our|the|your) (?:account|system|platform|helpdesk|instance|tenant|payroll|hr system|hr and payroll|workspace|contract)\\b|\\bfilial\\w*\\b|\\b(?:other|another|second|new|the) (?:company|brand|business|entity)'?s? (?:team|staff|employees|people)\\b",
        "kind": "signal",
        "signal_type": "scale",
        "conflict": "",
        "weight": 0.7,
    },
    {
        "name": "cross.trial_to_paid",
        "pattern": "\\b(?:pilot|trial|poc)\\b.{0,30}?\\b(?:to|->|into) paid\\b|\\bconvert\\w* (?:the |our |their )?(?:[\\w-]+ ){0,2}(?:pilot|trial|poc)\\b|\\b(?:start|begin)\\w* (?:the |a )?(?:\\d+-day )?(?-i:[A-Z][a-zA-Z]+) (?:trial|pilot)\\b",
        "kind": "signal",
        "signal_type": "cross_sell",
        "conflict": "",
        "weight": 1.0,
    },
    {
        "name": "cross.named_product",
        "pattern": "\\b(?:buy|purchase|add|adding|roll(?:ing)? out|signing for|sign for|want(?:s)? in on|take|taking|bring(?:ing)? in|get)\\s+(?:the\\s+)?(?-i:[A-Z][a-zA-Z]+)(?:\\s+(?-i:[A-Z][a-zA-Z]+))?\\s+(?:for|to|across|on|as well|too)\\s+(?:the\\s+|our\\s+|their\\s+|our own\\s+|\\d+\\s+)?(?:[\\w-]+\\s+)?(?:team|teams|department|group|org|brands?|branch|escalations|help center|website|contract)\\b",
        "kind": "signal",
        "signal_type": "cross_sell",
        "conflict": "",
        "weight": 0.6,
    },
    {
        "name": "volume.special_conditions",
        "pattern": "\\bspecial (?:price|prices|pricing|tariffs?|conditions?|rates?|offer)\\b|\\bdegressive\\b|\\bdiscount (?:band|tier|bracket|threshold)s?\\b|\\b(?:price|cost) per (?:head|user|seat|licen[cs]e|location|site|employee|store)\\b.{0,20}\\b(?:drop|go down|come down|fall|decrease|be lower|improve)\\b|\\b(?:single|one) (?:contract|agreement)\\b.{0,40}\\b(?:price|pricing|economics|cheaper|discount|rate)\\b|\\b(?:sign|commit)\\w* for (?:more time|longer|\\d+ years|three years|two years|multiple years)\\b|\\b(?:better|lower) price if\\b|\\b(?:price|pricing|discount|rate)\\b.{0,30}\\b(?:multi-?year|three years|two years|3 years|longer (?:term|commitment))\\b",
        "kind": "signal",
        "signal_type": "volume_pricing",
        "conflict": "",
        "weight": 1.0,
    },
    {
        "name": "conflict.switch_off",
        "pattern": "\\b(?:switch|turn)(?:ing|ed|s)? (?:it |them |that |those )?off\\b|\\b(?:freez|paus|suspend|deactivat|disabl)\\w*\\s+(?:the\\s+|our\\s+|\\d+\\s+|some\\s+|those\\s+|these\\s+)?(?:[\\w-]+\\s+){0,3}?(?:licen[cs]es|seats|users|logins|add-?ons?|modules?|bundles?|packs?|packages?|subscriptions?|products?|storage|features?|accounts)\\b|\\bend (?:the|our)\\s+(?:[\\w-]+\\s+){0,3}?(?:add-?on|module|bundle|pack|package|subscription)\\b",
        "kind": "conflict",
        "signal_type": "",
        "conflict": "reduce",
        "weight": 1.0,
    },
    {
        "name": "neg.already_live",
        "pattern": "\\b(?:is|are|went|now|has gone|have gone|been|be) live\\b|\\bwent live\\b|\\b(?:all set|up and running|working again|works again|sorted now|now working)\\b|\\b(?:arrived|has arrived|was applied|have been applied|has been applied|took effect|is now active|are now active|now active|now showing|were added|was added|has been added|have been added|was raised|was increased|were increased|was lifted|has been raised|has been increased|been upgraded)\\b|\\bthanks? (?:you )?for (?:getting|adding|upgrading|sorting|raising|increasing|processing|turning|enabling|lifting)\\b|\\bjust to confirm\\b.{0,60}\\b(?:live|done|complete|in place)\\b|\\brecap of\\b|\\byears? since\\b|\\b(?:last|previous) (?:year|spring|summer|autumn|winter|quarter|month)'s (?:rollout|upgrade|expansion|move|increase)\\b|\\b(?:lifted|raised|increased|bumped|extended|doubled|upgraded|added|bought|moved|took|taken|signed)\\b.{0,50}\\b(?:last (?:year|spring|summer|autumn|fall|winter|month|quarter|week)|back in|in (?:19|20)\\d\\d|years? ago)\\b|\\b(?:went|gone) smoothly\\b|\\bworked (?:brilliantly|really well|well|great|perfectly)\\b|\\bthanks? (?:you )?(?:again )?for (?:your help|helping|the (?:[\\w-]+ ){0,2}(?:session|training|workshop|webinar))\\b|\\bsince we took\\b",
        "kind": "negation",
        "signal_type": "",
        "conflict": "",
        "weight": 1.5,
    },
    {
        "name": "neg.third_party",
        "pattern": "\\b(?:don'?t|do not|doesn'?t) (?:currently |yet |really )?use (?:you|your)\\b|\\bnot (?:yet )?(?:a )?customers?\\b|\\bfor the first time\\b|\\b(?:currently|already) (?:with|on) (?:another|a different|other) (?:vendor|provider|system|tool)\\b|\\b(?:salesforce|slack|zoom|microsoft(?: 365)?|office 365|o365|m365|adobe|google workspace|gsuite|workday|okta|atlassian|jira|confluence|github|gitlab|hubspot|zendesk|servicenow|docusign|dropbox|notion|asana|aws|azure)\\s+(?:seats?|licen[cs]es?|users|members|accounts|workspace|subscription)\\b|\\b(?:husband|wife|partner|brother|sister|friend)'s (?:company|business|firm)\\b|\\b(?:are you|you're|you are) hiring\\b|\\byour (?:job (?:posting|ad|advert|opening)s?|vacanc(?:y|ies)|careers page|recruiters?)\\b|\\b(?:our|their|the) (?:agency|broker|vendor|supplier|clients?|customers?)'?s? (?:is|are) (?:upgrading|adding|expanding|growing|buying)\\b|\\bunrelated to (?:us|them)\\b|\\b(?:doesn'?t|does not) relate to (?:your|our) contract\\b|\\bno changes? (?:to|on) our contract\\b|\\bnothing changes (?:on|in|to) our contract\\b|\\bnothing needed (?:on|from) your side\\b|\\bwith another (?:supplier|vendor|provider)\\b|\\buses? a different (?:[\\w-]+ )?(?:system|platform|tool|lms|crm|erp|provider|vendor)\\b",
        "kind": "negation",
        "signal_type": "",
        "conflict": "",
        "weight": 1.5,
    },
    {
        "name": "neg.sarcasm",
        "pattern": "\\b(?:lovely|great|brilliant|fantastic|wonderful|perfect|sure|oh good|cool)\\s*[,.!-]+\\s*(?:so|an|another|let'?s|let me|just what)\\b|'(?:scale|upgrade|unlock\\w*|premium|enterprise|add-?on|more value|value|growth)'|\\bright after you fix\\b|\\bperhaps (?:start|begin) by\\b|\\bfar too expensive\\b|\\b(?:pay|paying) a fortune\\b|\\bcan'?t wait to (?:find out|see|pay)\\b|\\bcool cool\\b|\\btwice the (?:downtime|bugs|outages|price)\\b|\\bso we can (?:have|enjoy|get) (?:twice|more|double) the\\b|\\bfor what it is\\b",
        "kind": "negation",
        "signal_type": "",
        "conflict": "",
        "weight": 1.5,
    },
    {
        "name": "neg.current_state",
        "pattern": "\\bwhat(?:'s|s| is| are) (?:our|the) current\\b|\\bwhat (?:[\\w-]+ ){0,2}(?:do we have|are we on|are we paying for|do we pay for|have we got)\\b|\\bdo we already have\\b|\\bwhich (?:plan|tier|edition) (?:we'?re|we are) on\\b|\\bconfirm(?:ation)? of which (?:plan|tier)\\b|\\bwhat our (?:[\\w-]+ ){1,3}(?:is|are)\\b|\\b(?:does|do|is) (?:our|the) (?:current )?(?:contract|subscription|plan|licen[cs]e|agreement) (?:include|cover)\\b|\\bincluded in our (?:current )?(?:contract|subscription|plan|licen[cs]e)\\b|\\bwhat we'?ve got\\b|\\bhow much (?:of it )?(?:we'?ve|we have) used\\b",
        "kind": "negation",
        "signal_type": "",
        "conflict": "",
        "weight": 1.2,
    },
    {
        "name": "neg.stay_put",
        "pattern": "\\bstay (?:where we are|as we are|on (?:our|the) current)\\b|\\b(?:stick|sticking) with (?:what we have|our current|the current)\\b|\\b(?:didn'?t|doesn'?t|don'?t|not) justify\\b|\\bno longer (?:need|want|require)\\b|\\b(?:was|got|been) scrapped\\b|\\b(?:not|never|haven'?t|hasn'?t) (?:really )?(?:touched|used)\\b|\\b(?:chosen|decided|choose) not to (?:proceed|go ahead|continue|buy|take|add)\\b|\\bnot (?:to )?(?:proceed|go ahead) with\\b|\\bhold off\\b|\\bbudget freeze\\b|\\b(?:current|existing|same) (?:scope|quantities|volumes?)\\b|\\bno changes\\b",
        "kind": "negation",
        "signal_type": "",
        "conflict": "",
        "weight": 1.5,
    },
    {
        "name": "neg.support_howto",
        "pattern": "\\bhow (?:do|can|should) (?:i|we)\\b(?! (?:add|get|buy|purchase|increase|upgrade|raise|extend|expand|give|bring|onboard|roll))|\\bwhere (?:do|can) (?:i|we)\\b|\\bany fix\\b|\\bplease (?:check|investigate|optimi[sz]e|fix|look into)\\b|\\b(?:jumped|spiked) (?:overnight|from)\\b|\\bwent from\\b.{0,40}\\b(?:overnight|without)\\b|\\b(?:we|you) pay for (?:isn'?t|is not|doesn'?t|does not)\\b|\\brolled (?:[\\w-]+ ){0,3}out\\b.{0,60}\\b(?:ago|last (?:year|spring|summer|autumn|fall|winter|month|quarter))\\b",
        "kind": "negation",
        "signal_type": "",
        "conflict": "",
        "weight": 1.0,
    },
]

CHANGED = [
    {
        "name": "tier.from_lower_to_higher",
        "old": "\\bfrom (?:the\\s+)?(?:[\\w-]+\\s+)?(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)(?:\\s+(?:plan|tier|edition|subscription))?\\s+to\\s+(?:the\\s+)?(?:[\\w-]+\\s+)?(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)\\b|\\bfrom (?:the\\s+)?(?:pro|professional|business)(?:\\s+plan)?\\s+to\\s+(?:the\\s+)?(?:enterprise|premium|ultimate|platinum|elite|corporate)\\b",
        "new": "\\bfrom (?:the\\s+)?(?:[\\w-]+\\s+)?(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)(?:\\s+(?:plan|tier|edition|subscription|formula|version|package))?\\s+to\\s+(?:the\\s+)?(?:[\\w-]+\\s+)?(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)\\b|\\bfrom (?:the\\s+)?(?:pro|professional|business)(?:\\s+plan)?\\s+to\\s+(?:the\\s+)?(?:enterprise|premium|ultimate|platinum|elite|corporate)\\b",
        "kind": "signal",
        "signal_type": "tier_upgrade",
        "conflict": "",
        "weight": 1.0,
    },
    {
        "name": "addon.optional_modules",
        "old": "\\b(?:optional|extra) (?:modules|packs|packages)\\b|\\b(?:a|an|the)\\s+(?:[\\w-]+\\s+){1,2}(?:module|pack)\\b|\\b(?:add|buy|purchase|enable|switch on|turn on)\\b.{0,30}\\b(?:module|pack|connector)\\b",
        "new": "\\b(?:optional|extra) (?:modules|packs|packages)\\b|\\b(?:a|an|the)\\s+(?:[\\w-]+\\s+){1,3}(?:module|pack)\\b|\\b(?:add|buy|purchase|enable|switch on|turn on)\\b.{0,30}\\b(?:module|pack|connector)\\b",
        "kind": "signal",
        "signal_type": "add_on",
        "conflict": "",
        "weight": 0.6,
    },
    {
        "name": "conflict.lower_plan",
        "old": "\\brevert us to\\b|\\bfrom (?:the\\s+)?(?:[\\w-]+\\s+)?(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)(?:\\s+(?:plan|tier|edition|subscription))?\\s+(?:back\\s+)?to\\s+(?:the\\s+)?(?:[\\w-]+\\s+)?(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)\\b|\\bfrom (?:the\\s+)?(?:enterprise|premium|ultimate|platinum|elite|corporate)(?:\\s+plan)?\\s+(?:back\\s+|down\\s+)?to\\s+(?:the\\s+)?(?:pro|professional|business)\\b|\\b(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced) back to\\b|\\b(?:move|switch|go|change)\\w*\\s+(?:us\\s+)?(?:down\\s+)?to (?:the\\s+)?(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)\\b|\\bdown(?:shift|size)\\w*\\b|\\bless (?:feature-rich|expensive|advanced) (?:plan|tier|edition|package)\\b|\\b(?:cheaper|lower|lowest|smaller|less expensive|entry-level|basic)\\s+(?:plan|tier|package|edition)\\b|\\b(?:step|move|go|switch|revert)\\w*\\s+(?:us\\s+)?(?:back|down)\\s+(?:to|a tier|a plan)\\b|\\bdrop down a tier\\b",
        "new": "\\brevert us to\\b|\\bfrom (?:the\\s+)?(?:[\\w-]+\\s+)?(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)(?:\\s+(?:plan|tier|edition|subscription|formula|version|package))?\\s+(?:back\\s+)?to\\s+(?:the\\s+)?(?:[\\w-]+\\s+)?(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)\\b|\\bfrom (?:the\\s+)?(?:enterprise|premium|ultimate|platinum|elite|corporate)(?:\\s+plan)?\\s+(?:back\\s+|down\\s+)?to\\s+(?:the\\s+)?(?:pro|professional|business)\\b|\\b(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)\\s*(?:->|=>|>)\\s*(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)\\b|\\b(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced) back to\\b|\\b(?:move|switch|go|change)\\w*\\s+(?:us\\s+)?(?:down\\s+)?to (?:the\\s+)?(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)\\b|\\bdown(?:shift|size)\\w*\\b|\\bless (?:feature-rich|expensive|advanced) (?:plan|tier|edition|package)\\b|\\b(?:cheaper|lower|lowest|smaller|less expensive|entry-level|basic)\\s+(?:plan|tier|package|edition)\\b|\\b(?:step|move|go|switch|revert)\\w*\\s+(?:us\\s+)?(?:back|down)\\s+(?:to|a tier|a plan)\\b|\\bdrop down a tier\\b",
        "kind": "conflict",
        "signal_type": "",
        "conflict": "downgrade",
        "weight": 1.0,
    },
    {
        "name": "neg.version_upgrade",
        "old": "\\bupgrad\\w*\\s+(?:\\w+\\s+){0,3}?(?:to\\s+)?(?:v\\d|version|release|\\d+(?:\\.\\d+)+)|\\b(?:version|release|v)\\s?\\d+(?:\\.\\d+)*\\b.{0,40}\\bupgrad|\\bupgrad\\w*\\s+(?:the\\s+|our\\s+|your\\s+)?(?:browser|chrome|firefox|safari|os|windows|macos|ios|android|java|python|postgres|firmware|plugin|plug-in|desktop client|client|mobile app|app|agent|on-prem\\w*|gateway|server|erp|sdk|connector|driver|package|salesforce package|integration|runtime|database|laptops)\\b|\\b(?:software|platform|app|mobile app|firmware|plugin|browser|system)\\s+(?:update|upgrade)\\b|\\bupgrade (?:wizard|window|notice)\\b|\\bupgrade to the new ui\\b",
        "new": "\\bupgrad\\w*\\s+(?:\\w+\\s+){0,5}?(?:to\\s+)?(?:v\\d|version|release|\\d+(?:\\.\\d+)+)|\\b(?:version|release|v)\\s?\\d+(?:\\.\\d+)*\\b.{0,40}\\bupgrad|\\bupgrad\\w*\\s+(?:the\\s+|our\\s+|your\\s+)?(?:browser|chrome|firefox|safari|os|windows|macos|ios|android|java|python|postgres|firmware|plugin|plug-in|desktop client|client|mobile app|app|agent|on-prem\\w*|gateway|server|erp|sdk|connector|driver|package|salesforce package|integration|runtime|database|laptops)\\b|\\b(?:software|platform|app|mobile app|firmware|plugin|browser|system)\\s+(?:update|upgrade)\\b|\\bupgrade (?:wizard|window|notice)\\b|\\bupgrade to the new ui\\b",
        "kind": "negation",
        "signal_type": "tier_upgrade",
        "conflict": "",
        "weight": 1.5,
    },
    {
        "name": "neg.plan_other_sense",
        "old": "\\b(?:lesson|meal|project|operating|floor|action|test|payment|data)\\s+plans?\\b|\\btier[- ]?(?:1|one|2|two)\\b",
        "new": "\\b(?:customer|loyalty|pricing|service|support)\\s+tiers?\\b|\\btier field\\b|\\b(?:lesson|meal|project|operating|floor|action|test|payment|data)\\s+plans?\\b|\\btier[- ]?(?:1|one|2|two)\\b",
        "kind": "negation",
        "signal_type": "tier_upgrade",
        "conflict": "",
        "weight": 1.5,
    },
    {
        "name": "neg.downgrade_is_not_upgrade",
        "old": "\\bdowngrad\\w*\\b|\\brevert us to\\b|\\bfrom (?:the\\s+)?(?:[\\w-]+\\s+)?(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)(?:\\s+(?:plan|tier|edition|subscription))?\\s+(?:back\\s+)?to\\s+(?:the\\s+)?(?:[\\w-]+\\s+)?(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)\\b|\\bfrom (?:the\\s+)?(?:enterprise|premium|ultimate|platinum|elite|corporate)(?:\\s+plan)?\\s+(?:back\\s+|down\\s+)?to\\s+(?:the\\s+)?(?:pro|professional|business)\\b|\\b(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced) back to\\b|\\b(?:move|switch|go|change)\\w*\\s+(?:us\\s+)?(?:down\\s+)?to (?:the\\s+)?(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)\\b|\\bdown(?:shift|size)\\w*\\b|\\b(?:cheaper|lower|lowest|smaller|less expensive|entry-level)\\s+(?:plan|tier|package)\\b|\\b(?:step|move|go)\\w*\\s+(?:back|down)\\b",
        "new": "\\bdowngrad\\w*\\b|\\brevert us to\\b|\\bfrom (?:the\\s+)?(?:[\\w-]+\\s+)?(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)(?:\\s+(?:plan|tier|edition|subscription|formula|version|package))?\\s+(?:back\\s+)?to\\s+(?:the\\s+)?(?:[\\w-]+\\s+)?(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)\\b|\\bfrom (?:the\\s+)?(?:enterprise|premium|ultimate|platinum|elite|corporate)(?:\\s+plan)?\\s+(?:back\\s+|down\\s+)?to\\s+(?:the\\s+)?(?:pro|professional|business)\\b|\\b(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)\\s*(?:->|=>|>)\\s*(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)\\b|\\b(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced) back to\\b|\\b(?:move|switch|go|change)\\w*\\s+(?:us\\s+)?(?:down\\s+)?to (?:the\\s+)?(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)\\b|\\bdown(?:shift|size)\\w*\\b|\\b(?:cheaper|lower|lowest|smaller|less expensive|entry-level)\\s+(?:plan|tier|package)\\b|\\b(?:step|move|go)\\w*\\s+(?:back|down)\\b",
        "kind": "negation",
        "signal_type": "tier_upgrade",
        "conflict": "",
        "weight": 1.5,
    },
    {
        "name": "neg.package_other_sense",
        "old": "\\b(?:npm|python|pip|delivery|software)\\s+package\\b|\\bpackage (?:tracking|delivery)\\b|\\b(?:board|welcome|month-end|quarter-end|year-end|info|information|investor|press|briefing) packs?\\b|\\bpack (?:reports?|workflows?|templates?|emails?|documents?|pdfs?)\\b|\\b(?:browser|chrome|jira|outlook|firefox|excel)\\s+add[- ]?on\\b|\\badd[- ]?on for (?:jira|chrome|outlook|excel|firefox)\\b|\\bpackage\\b.{0,30}\\b(?:python|environment|dependency|pin)\\b",
        "new": "\\b(?:chrome|browser|firefox|edge|outlook|gmail)\\s+extension\\b|\\badd-?on (?:insurance|products?|items?|sales)\\b|\\b(?:npm|python|pip|delivery|software)\\s+package\\b|\\bpackage (?:tracking|delivery)\\b|\\b(?:board|welcome|month-end|quarter-end|year-end|info|information|investor|press|briefing) packs?\\b|\\bpack (?:reports?|workflows?|templates?|emails?|documents?|pdfs?)\\b|\\b(?:browser|chrome|jira|outlook|firefox|excel)\\s+add[- ]?on\\b|\\badd[- ]?on for (?:jira|chrome|outlook|excel|firefox)\\b|\\bpackage\\b.{0,30}\\b(?:python|environment|dependency|pin)\\b",
        "kind": "negation",
        "signal_type": "add_on",
        "conflict": "",
        "weight": 2.0,
    },
    {
        "name": "neg.upgrade_is_not_downgrade",
        "old": "\\bfrom (?:the\\s+)?(?:[\\w-]+\\s+)?(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)(?:\\s+(?:plan|tier|edition|subscription))?\\s+to\\s+(?:the\\s+)?(?:[\\w-]+\\s+)?(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)\\b|\\bfrom (?:the\\s+)?(?:pro|professional|business)(?:\\s+plan)?\\s+to\\s+(?:the\\s+)?(?:enterprise|premium|ultimate|platinum|elite|corporate)\\b",
        "new": "\\bfrom (?:the\\s+)?(?:[\\w-]+\\s+)?(?:basic|starter|standard|essentials|free|lite|team|growth|entry|silver|bronze)(?:\\s+(?:plan|tier|edition|subscription|formula|version|package))?\\s+to\\s+(?:the\\s+)?(?:[\\w-]+\\s+)?(?:business(?: plus)?|enterprise|premium|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)\\b|\\bfrom (?:the\\s+)?(?:pro|professional|business)(?:\\s+plan)?\\s+to\\s+(?:the\\s+)?(?:enterprise|premium|ultimate|platinum|elite|corporate)\\b",
        "kind": "negation",
        "signal_type": "",
        "conflict": "downgrade",
        "weight": 1.5,
    },
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    PhraseRule = apps.get_model("signals", "PhraseRule")
    if not PhraseRule.objects.exists():
        return  # a fresh install is seeded with every default after migrate
    for spec in ADDED:
        PhraseRule.objects.get_or_create(name=spec["name"], defaults={k: v for k, v in spec.items() if k != "name"})
    for spec in CHANGED:
        PhraseRule.objects.filter(name=spec["name"], pattern=spec["old"]).update(
            pattern=spec["new"],
            kind=spec["kind"],
            signal_type=spec["signal_type"],
            conflict=spec["conflict"],
            weight=spec["weight"],
        )


class Migration(migrations.Migration):
    dependencies = [("signals", "0006_defer_ticket_undone")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
