"""Mini Apps: the signed initData and launch URL a button opens, the theme, what the app sends back."""
