{%- set stack = cookiecutter.stack %}
{%- set decided = cookiecutter.get("decisions") or {} %}
{%- set with_runtime = decided.get("deploy") != "kubernetes" %}
{%- set db = cookiecutter.database -%}
variable "gcp_project" {
  description = "Google Cloud project ID."
  type        = string
}

variable "project" {
  description = "Name prefix of every resource (lower case letters, digits, dashes)."
  type        = string
  default     = "{{ cookiecutter.project_slug }}"
}

variable "environment" {
  description = "Environment name (prod, staging, ...)."
  type        = string
  default     = "prod"
}

variable "region" {
  description = "Google Cloud region."
  type        = string
  default     = "europe-west1"
}

variable "subnet_cidr" {
  description = "CIDR range of the application subnet."
  type        = string
  default     = "10.20.0.0/24"
}
{%- if db in ["postgresql", "mysql"] %}

variable "db_tier" {
  description = "Cloud SQL machine tier."
  type        = string
  default     = "db-custom-1-3840"
}

variable "db_availability" {
  description = "ZONAL, or REGIONAL for a standby in another zone."
  type        = string
  default     = "REGIONAL"
}

variable "db_name" {
  description = "Name of the application database."
  type        = string
  default     = "app"
}

variable "db_username" {
  description = "Database user of the application (its password is generated and kept in Secret Manager)."
  type        = string
  default     = "app"
}
{%- endif %}
{%- if with_runtime %}

variable "image" {
  description = "Container image to run, e.g. <region>-docker.pkg.dev/<project>/{{ cookiecutter.project_slug }}/app:<git sha>."
  type        = string
}

variable "container_port" {
  description = "Port the application listens on."
  type        = number
  default     = {{ stack.port }}
}

variable "min_instances" {
  description = "Minimum number of Cloud Run instances (0 allows scale to zero)."
  type        = number
  default     = 1
}

variable "max_instances" {
  description = "Maximum number of Cloud Run instances."
  type        = number
  default     = 10
}
{%- endif %}
