//! Live path tests against the loopback Kubernetes API double.
