"""Code the UK Management Platform services share."""
