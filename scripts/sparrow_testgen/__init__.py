"""Test-model generator for sparrow: seeded BERT classifiers as OpenVINO IR v11 plus a PyTorch oracle.

Entry point: scripts/gen_test_model.py. Documentation: docs/test_models.md.
"""
