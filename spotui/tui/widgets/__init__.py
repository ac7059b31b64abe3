"""Small widgets; each gets its data from above and posts messages up."""
