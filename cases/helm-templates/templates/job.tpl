# Version: 2.5.0
# The launcher's session Job (the shape of Posit's job.tpl 2.5.0, written for jjo), with the
# site's additions read from template values instead of job-json-overrides.
{{- $values := include "rstudio-library.templates.data" nil | mustFromJson }}
apiVersion: batch/v1
kind: Job
metadata:
  labels:
    app.kubernetes.io/managed-by: launcher
    {{- with .Job.instanceId }}
    launcher-instance-id: {{ toYaml . }}
    {{- end }}
    {{- range $k, $v := $values.job.labels }}
    {{ $k }}: {{ toYaml $v }}
    {{- end }}
  generateName: {{ toYaml .Job.generateName }}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        {{- range $i, $tag := .Job.tags }}
        USER_TAG_{{ $i }}: {{ toYaml $tag }}
        {{- end }}
        stdin: {{ toYaml .Job.stdin }}
        user: {{ toYaml .Job.user }}
        name: {{ toYaml .Job.name }}
        service_ports: {{ toYaml .Job.servicePortsJson }}
        {{- range $k, $v := $values.pod.annotations }}
        {{ $k }}: {{ toYaml $v }}
        {{- end }}
      {{- if or .Job.instanceId $values.pod.labels }}
      labels:
        {{- with .Job.instanceId }}
        launcher-instance-id: {{ toYaml . }}
        {{- end }}
        {{- range $k, $v := $values.pod.labels }}
        {{ $k }}: {{ toYaml $v }}
        {{- end }}
      {{- end }}
      generateName: {{ toYaml .Job.generateName }}
    spec:
      restartPolicy: Never
      shareProcessNamespace: {{ .Job.shareProcessNamespace }}
      {{- with .Job.serviceAccountName }}
      serviceAccountName: {{ toYaml . }}
      {{- end }}
      {{- $volumes := concat .Job.volumes $values.pod.volumes }}
      volumes: {{- if not $volumes }} []{{ end }}
        {{- range $volumes }}
        - {{ toYaml . | nindent 10 | trim }}
        {{- end }}
      {{- if or .Job.placementConstraints $values.pod.nodeSelector }}
      nodeSelector:
        {{- range .Job.placementConstraints }}
        {{ .name }}: {{ toYaml .value }}
        {{- end }}
        {{- range $k, $v := $values.pod.nodeSelector }}
        {{ $k }}: {{ toYaml $v }}
        {{- end }}
      {{- end }}
      {{- $security := $values.pod.securityContext }}
      {{- with .Job.container.runAsUserId }}{{ $_ := set $security "runAsUser" . }}{{ end }}
      {{- with .Job.container.runAsGroupId }}{{ $_ := set $security "runAsGroup" . }}{{ end }}
      {{- with .Job.container.supplementalGroupIds }}{{ $_ := set $security "supplementalGroups" . }}{{ end }}
      {{- with $security }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.pod.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.pod.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      initContainers:
      containers:
        - name: rs-launcher-container
          image: {{ toYaml .Job.container.image }}
          {{- if .Job.command }}
          command: ['/bin/sh']
          args:
            - '-c'
            - {{ .Job.args | join " " | cat .Job.command | toYaml }}
          {{- else }}
          command: [{{ toYaml .Job.exe }}]
          {{- with .Job.args }}
          args:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- end }}
          stdin: {{ if .Job.stdin }}true{{ else }}false{{ end }}
          stdinOnce: true
          {{- with .Job.workingDirectory }}
          workingDir: {{ toYaml . }}
          {{- end }}
          {{- $env := concat .Job.environment $values.pod.env }}
          {{- with $env }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- $ports := list }}
          {{- range .Job.exposedPorts }}{{ if .publishedPort }}{{ $ports = append $ports (dict "containerPort" .targetPort "hostPort" .publishedPort) }}{{ end }}{{ end }}
          {{- with $ports }}
          ports:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- $limits := dict }}
          {{- $requests := dict }}
          {{- range .Job.resourceLimits }}
            {{- if eq .type "cpuCount" }}{{ $_ := set $limits "cpu" .value }}
            {{- else if eq .type "CPU Request" }}{{ $_ := set $requests "cpu" .value }}
            {{- else if eq .type "memory" }}{{ $_ := set $limits "memory" (printf "%sM" .value) }}
            {{- else if eq .type "Memory Request" }}{{ $_ := set $requests "memory" (printf "%sM" .value) }}
            {{- else if eq .type "NVIDIA GPUs" }}{{ $_ := set $limits "nvidia.com/gpu" (float64 .value) }}
            {{- else if eq .type "AMD GPUs" }}{{ $_ := set $limits "amd.com/gpu" (float64 .value) }}
            {{- end }}
          {{- end }}
          {{- if or $limits $requests }}
          resources:
            {{- with $requests }}
            requests:
              {{- toYaml . | nindent 14 }}
            {{- end }}
            {{- with $limits }}
            limits:
              {{- toYaml . | nindent 14 }}
            {{- end }}
          {{- end }}
          {{- with $values.pod.containerSecurityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- $mounts := concat .Job.volumeMounts $values.pod.volumeMounts }}
          volumeMounts: {{- if not $mounts }} []{{ end }}
            {{- range $mounts }}
            - {{ toYaml . | nindent 14 | trim }}
            {{- end }}
