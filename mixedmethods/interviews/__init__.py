"""Interviews: coded transcripts from Word comments, inline tags, segment tables and REFI-QDA projects;
pseudonymised, quantified, checked for intercoder agreement, exported for QDA tools."""
