# Version: 2.5.0
# A Job template written for jjo's differential tests, in the shape of the launcher's
# job.tpl 2.5.0 features: template values merged in from a named template holding JSON,
# security contexts built with set/mergeOverwrite, extra and init containers, tolerations,
# affinity, host aliases, ephemeral storage, resources from the launcher's limit types.
{{- $values := include "rstudio-library.templates.data" nil | mustFromJson }}
apiVersion: batch/v1
kind: Job
metadata:
  generateName: {{ toYaml .Job.generateName }}
  labels:
    app.kubernetes.io/managed-by: "launcher"
    {{- with .Job.instanceId }}
    launcher-instance-id: {{ toYaml . }}
    {{- end }}
    {{- range $k, $v := $values.job.labels }}
    {{ $k }}: {{ toYaml $v | indent 4 | trimPrefix (repeat 4 " ") }}
    {{- end }}
  annotations:
    {{- with .Job.metadata.job.annotations }}
    {{- range $k, $v := . }}
    {{ $k }}: {{ toYaml $v | indent 4 | trimPrefix (repeat 4 " ") }}
    {{- end }}
    {{- end }}
spec:
  {{- if $values.job.ttlSecondsAfterFinished }}
  ttlSecondsAfterFinished: {{ $values.job.ttlSecondsAfterFinished }}
  {{- end }}
  backoffLimit: 0
  template:
    metadata:
      annotations:
        {{- $n := 0 }}
        {{- range .Job.tags }}
        USER_TAG_{{ $n }}: {{ toYaml . | indent 8 | trimPrefix (repeat 8 " ") }}
        {{- $n = add $n 1 }}
        {{- end }}
        stdin: {{ toYaml .Job.stdin }}
        user: {{ toYaml .Job.user }}
        name: {{ toYaml .Job.name | indent 8 | trimPrefix (repeat 8 " ") }}
        service_ports: {{ toYaml .Job.servicePortsJson | indent 8 | trimPrefix (repeat 8 " ") }}
        {{- if .Job.metadata }}
        user_metadata: {{ toJson .Job.metadata | toYaml | indent 8 | trimPrefix (repeat 8 " ") }}
        {{- end }}
        {{- range $k, $v := .Job.metadata.pod.annotations }}
        {{ $k }}: {{ toYaml $v | indent 8 | trimPrefix (repeat 8 " ") }}
        {{- end }}
      generateName: {{ toYaml .Job.generateName }}
    spec:
      {{- if .Job.host }}
      nodeName: {{ toYaml .Job.host }}
      {{- end }}
      enableServiceLinks: {{ if hasKey $values.pod "enableServiceLinks" }}{{ $values.pod.enableServiceLinks }}{{ else }}false{{ end }}
      restartPolicy: Never
      {{- if or $values.pod.serviceAccountName .Job.serviceAccountName }}
      serviceAccountName: {{ .Job.serviceAccountName | default $values.pod.serviceAccountName | quote }}
      {{- end }}
      {{- with $values.pod.hostAliases }}
      hostAliases:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      shareProcessNamespace: {{ .Job.shareProcessNamespace }}
      {{- if or (ne (len .Job.volumes) 0) (ne (len $values.pod.volumes) 0) }}
      volumes:
        {{- range .Job.volumes }}
        - {{ nindent 10 (toYaml .) | trim -}}
        {{- end }}
        {{- range $values.pod.volumes }}
        - {{ nindent 10 (toYaml .) | trim -}}
        {{- end }}
      {{- end }}
      {{- with $values.pod.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.pod.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if or (ne (len .Job.placementConstraints) 0) $values.pod.nodeSelector }}
      nodeSelector:
        {{- range .Job.placementConstraints }}
        {{ .name }}: {{ toYaml .value }}
        {{- end }}
        {{- range $k, $v := $values.pod.nodeSelector }}
        {{ $k }}: {{- toYaml $v | nindent 10 }}
        {{- end }}
      {{- end }}
      {{- $podSecurity := $values.pod.defaultSecurityContext }}
      {{- if .Job.container.runAsUserId }}
        {{- $_ := set $podSecurity "runAsUser" .Job.container.runAsUserId }}
      {{- end }}
      {{- if .Job.container.runAsGroupId }}
        {{- $_ := set $podSecurity "runAsGroup" .Job.container.runAsGroupId }}
      {{- end }}
      {{- if .Job.container.supplementalGroupIds }}
        {{- $ids := list }}
        {{- range .Job.container.supplementalGroupIds }}
          {{- $ids = append $ids . }}
        {{- end }}
        {{- $_ := set $podSecurity "supplementalGroups" (cat "[" ($ids | join ", ") "]") }}
      {{- end }}
      {{- $_ := mergeOverwrite $podSecurity $values.pod.securityContext }}
      {{- if $podSecurity }}
      securityContext:
        {{- range $k, $v := $podSecurity }}
        {{ $k }}: {{ $v }}
        {{- end }}
      {{- end }}
      {{- with $values.pod.imagePullSecrets }}
      imagePullSecrets: {{ toYaml . | nindent 8 }}
      {{- end }}
      {{- if or .Job.initContainers $values.pod.initContainers }}
      initContainers:
        {{- range .Job.initContainers }}
        - name: {{ toYaml .name }}
          image: {{ toYaml .image }}
          {{- if .command }}
          command: ['/bin/sh']
          args:
            - '-c'
            - {{ .args | join " " | cat .command | toYaml | indent 12 | trimPrefix (repeat 12 " ") }}
          {{- else if .exe }}
          command: [{{ toYaml .exe }}]
          {{- with .args }}
          args:
            {{- range . }}
            - {{ toYaml . | indent 12 | trimPrefix (repeat 12 " ") }}
            {{- end }}
          {{- end }}
          {{- end }}
        {{- end }}
        {{- range $values.pod.initContainers }}
        - {{ toYaml . | indent 10 | trimPrefix (repeat 10 " ") }}
        {{- end }}
      {{- end }}
      containers:
        - name: rs-launcher-container
          image: {{ toYaml .Job.container.image }}
          {{- with $values.pod.imagePullPolicy }}
          imagePullPolicy: {{- . | nindent 12 }}
          {{- end }}
          {{- $shell := false }}
          {{- if .Job.command }}
          command: ['/bin/sh']
          {{- $shell = true }}
          {{- else }}
          command: [{{ toYaml .Job.exe }}]
          {{- end }}
          stdin: {{ if .Job.stdin }}true{{ else }}false{{ end }}
          stdinOnce: true
          {{- with .Job.workingDirectory }}
          workingDir: {{ toYaml . }}
          {{- end }}
          {{- if or (ne (len .Job.args) 0) $shell }}
          args:
            {{- if $shell }}
            - '-c'
            {{- if ne (len .Job.args) 0 }}
            - {{ .Job.args | join " " | cat .Job.command | toYaml | indent 12 | trimPrefix (repeat 12 " ") }}
            {{- else }}
            - {{ .Job.command | toYaml | indent 12 | trimPrefix (repeat 12 " ") }}
            {{- end }}
            {{- else }}
            {{- range .Job.args }}
            - {{ toYaml . | indent 12 | trimPrefix (repeat 12 " ") }}
            {{- end }}
            {{- end }}
          {{- end }}
          {{- $secrets := list }}
          {{- range .Job.config }}
            {{- if eq .name "secret" }}
              {{- $parts := splitList ":" .value }}
              {{- $s := dict "secret" (first $parts) "key" (slice $parts 1 2 | first) "name" (last $parts) }}
              {{- $secrets = append $secrets $s }}
            {{- end }}
          {{- end }}
          {{- if or (ne (len .Job.environment) 0) (ne (len $secrets) 0) (ne (len $values.pod.env) 0) }}
          env:
            {{- range .Job.environment }}
            - name: {{ toYaml .name | indent 14 | trimPrefix (repeat 14 " ") }}
              value: {{ toYaml .value | indent 14 | trimPrefix (repeat 14 " ") }}
            {{- end }}
            {{- range $secrets }}
            - name: {{ get . "name" }}
              valueFrom:
                secretKeyRef:
                  name: {{ get . "secret" }}
                  key: {{ get . "key" }}
            {{- end }}
            {{- with $values.pod.env }}
              {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- end }}
          {{- $csc := $values.pod.containerSecurityContext | default dict }}
          {{- if or .Job.container.capabilitiesAdd .Job.container.capabilitiesDrop }}
            {{- $caps := $csc.capabilities | default dict }}
            {{- with .Job.container.capabilitiesAdd }}
              {{- $_ := set $caps "add" (concat ($caps.add | default list) .) }}
            {{- end }}
            {{- with .Job.container.capabilitiesDrop }}
              {{- $_ := set $caps "drop" (concat ($caps.drop | default list) .) }}
            {{- end }}
            {{- $_ := set $csc "capabilities" $caps }}
          {{- end }}
          {{- if $csc }}
          securityContext:
            {{- toYaml $csc | nindent 12 }}
          {{- end }}
          {{- $ports := list }}
          {{- range .Job.exposedPorts }}
            {{- if .publishedPort }}
              {{- $ports = append $ports . }}
            {{- end }}
          {{- end }}
          {{- if $ports }}
          ports:
            {{- range $ports }}
            - containerPort: {{ .targetPort }}
              hostPort: {{ .publishedPort }}
            {{- end }}
          {{- end }}
          {{- $limits := dict }}
          {{- $requests := dict }}
          {{- range .Job.resourceLimits }}
            {{- if eq .type "cpuCount" }}
              {{- $_ := set $limits "cpu" .value }}
            {{- else if eq .type "CPU Request" }}
              {{- $_ := set $requests "cpu" .value }}
            {{- else if eq .type "memory" }}
              {{- $_ := set $limits "memory" (printf "%s%s" .value "M") }}
            {{- else if eq .type "Memory Request" }}
              {{- $_ := set $requests "memory" (printf "%s%s" .value "M") }}
            {{- else if eq .type "NVIDIA GPUs" }}
              {{- $gpus := float64 .value }}
              {{- if ne $gpus 0.0 }}
                {{- $_ := set $limits "nvidia.com/gpu" $gpus }}
              {{- end }}
            {{- end }}
          {{- end }}
          {{- if any $requests $limits $values.pod.ephemeralStorage.request $values.pod.ephemeralStorage.limit }}
          resources:
            {{- if or $requests $values.pod.ephemeralStorage.request }}
            requests:
              {{- range $k, $v := $requests }}
              {{ $k }}: {{ toYaml $v }}
              {{- end }}
              {{- with $values.pod.ephemeralStorage.request }}
              ephemeral-storage: {{ . }}
              {{- end }}
            {{- end }}
            {{- if or $limits $values.pod.ephemeralStorage.limit }}
            limits:
              {{- range $k, $v := $limits }}
              {{ $k }}: {{ toYaml $v }}
              {{- end }}
              {{- with $values.pod.ephemeralStorage.limit }}
              ephemeral-storage: {{ . }}
              {{- end }}
            {{- end }}
          {{- end }}
          {{- if or .Job.volumeMounts $values.pod.volumeMounts }}
          volumeMounts:
            {{- range .Job.volumeMounts }}
            - {{ nindent 14 (toYaml .) | trim -}}
            {{- end }}
            {{- range $values.pod.volumeMounts }}
            - {{ nindent 14 (toYaml .) | trim -}}
            {{- end }}
          {{- end }}
        {{- with $values.pod.extraContainers }}
          {{- toYaml . | nindent 8 }}
        {{- end }}
