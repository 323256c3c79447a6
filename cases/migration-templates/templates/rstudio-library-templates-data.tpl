{{- /* The site's additions, as the Workbench chart writes launcher.templateValues. */ -}}
{{- define "rstudio-library.templates.data" -}}
{
  "job": {"annotations": {}, "labels": {}},
  "pod": {
    "annotations": {}, "labels": {},
    "env": [{"name": "TZ", "value": "Europe/Zurich"}],
    "volumes": [{"name": "shared-data", "persistentVolumeClaim": {"claimName": "shared-data"}}],
    "volumeMounts": [{"name": "shared-data", "mountPath": "/data"}],
    "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "sessions", "effect": "NoSchedule"}],
    "imagePullSecrets": [{"name": "private-registry"}],
    "nodeSelector": {},
    "securityContext": {},
    "containerSecurityContext": {}
  }
}
{{- end }}
