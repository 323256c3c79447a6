{{- /* Template values in the shape the Connect chart gives its job.tpl (resources and a
default securityContext as maps, which the newest revisions `set` into), and the helpers the
older rstudio-library Connect and Helm templates include from their chart. Written for these
tests, not copied. */ -}}
{{- define "rstudio-library.templates.data" -}}
{"job":{"annotations":{"owner":"connect"}},
 "pod":{"resources":{"limits":{"ephemeral-storage":"2Gi"},"requests":{}},
  "defaultSecurityContext":{"runAsNonRoot":true},"securityContext":{"fsGroup":999},
  "containerSecurityContext":{},"volumes":[],"volumeMounts":[],"env":[],
  "serviceAccountName":"connect-content","nodeSelector":{},"labels":{"tier":"content"}}}
{{- end }}
{{- define "connect-job-labels" }}app.kubernetes.io/component: content
connect-guid: {{ .guid | default "none" | quote }}{{ end }}
{{- define "connect-job-annotations" }}connect/app: {{ .app_name | default "" | quote }}{{ end }}
{{- define "connect-pod-labels" }}connect-guid: {{ .guid | default "none" | quote }}{{ end }}
{{- define "connect-pod-annotations" }}connect/bundle: {{ .bundle_id | default 0 | quote }}{{ end }}
{{- define "connect-svc-labels" }}connect-guid: {{ .guid | default "none" | quote }}{{ end }}
{{- define "connect-svc-annotations" }}connect/app: {{ .app_name | default "" | quote }}{{ end }}
{{- define "rstudio-helm-service-type" }}ClusterIP{{ end }}
{{- define "rstudio-helm-volumes" }}{{ end }}
