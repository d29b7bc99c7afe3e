"""The curator workflow: review, merge, rename, alias, reclassify; every change audited."""
