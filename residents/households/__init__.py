"""Households: the register per compound and building, masking and unmasking of personal data,
imports and exports, and the retention job."""
