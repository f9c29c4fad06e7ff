{%- set stack = cookiecutter.stack %}
{%- set decided = cookiecutter.get("decisions") or {} %}
{%- set with_runtime = decided.get("deploy") != "kubernetes" %}
{%- set db = cookiecutter.database -%}
variable "subscription_id" {
  description = "Azure subscription ID."
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

variable "location" {
  description = "Azure region."
  type        = string
  default     = "westeurope"
}

variable "vnet_cidr" {
  description = "Address space of the virtual network."
  type        = string
  default     = "10.20.0.0/16"
}
{%- if db in ["postgresql", "mysql"] %}

variable "db_sku" {
  description = "Flexible server SKU."
  type        = string
  default     = "{{ 'B_Standard_B1ms' }}"
}

variable "db_storage_mb" {
  description = "Database storage in MB."
  type        = number
  default     = 32768
}

variable "db_name" {
  description = "Name of the application database."
  type        = string
  default     = "app"
}

variable "db_username" {
  description = "Administrator login (its password is generated and kept in Key Vault)."
  type        = string
  default     = "app"
}
{%- endif %}
{%- if with_runtime %}

variable "image" {
  description = "Container image to run, e.g. <registry>.azurecr.io/{{ cookiecutter.project_slug }}:<git sha>."
  type        = string
}

variable "container_port" {
  description = "Port the application listens on."
  type        = number
  default     = {{ stack.port }}
}

variable "min_replicas" {
  description = "Minimum number of replicas."
  type        = number
  default     = 1
}

variable "max_replicas" {
  description = "Maximum number of replicas."
  type        = number
  default     = 10
}
{%- endif %}
