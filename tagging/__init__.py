"""Tagging a video: six recall channels, a cross-modal ranking model, calibrated core/related thresholds."""
