// Package deploy holds no code: its files are ways to run leakhound's
// audit of many repositories on engines people already run, a Kubernetes
// Indexed Job (kubernetes/) and a GitHub Actions matrix
// (github-actions/org-audit.yml). Its tests decode the manifests strictly
// into the Kubernetes API types and lint the workflow with actionlint, so
// that neither rots unnoticed.
package deploy
