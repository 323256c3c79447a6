{{- define "rstudio-library.templates.data" -}}
{"job":{"labels":{"team":"data-science","cost-center":"4711"},"ttlSecondsAfterFinished":600},
 "pod":{"serviceAccountName":"session-sa","volumes":[{"name":"scratch","emptyDir":{"sizeLimit":"1Gi"}}],
  "volumeMounts":[{"name":"scratch","mountPath":"/scratch"}],"env":[{"name":"TZ","value":"Europe/Zurich"}],
  "imagePullPolicy":"IfNotPresent","imagePullSecrets":[{"name":"registry-cred"}],
  "initContainers":[{"name":"warmup","image":"busybox:1.36","command":["true"]}],
  "extraContainers":[{"name":"sidecar","image":"example/log-shipper:2","args":["--flush","5s"]}],
  "defaultSecurityContext":{"fsGroup":1000},"securityContext":{"runAsNonRoot":true},
  "containerSecurityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["NET_RAW"]}},
  "tolerations":[{"key":"dedicated","operator":"Equal","value":"sessions","effect":"NoSchedule"}],
  "affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"node-role","operator":"In","values":["session","session-large"]}]}]}}},
  "hostAliases":[{"ip":"10.0.0.5","hostnames":["license.example.com","lic"]}],
  "nodeSelector":{"disktype":"ssd"},
  "ephemeralStorage":{"request":"500Mi","limit":"2Gi"}}}
{{- end }}
