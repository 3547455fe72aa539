"""Account-planning summaries for the next QBR: one typed record per account, built by
`planning.selectors.account_plans`, rendered as a printable page, Markdown and JSON."""
