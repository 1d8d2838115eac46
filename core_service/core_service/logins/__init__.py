"""Console sign-ins: a browser waits on a nonce the person confirms in the bot."""
