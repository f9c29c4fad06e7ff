{%- set stack = cookiecutter.stack %}
{%- set decided = cookiecutter.get("decisions") or {} %}
{%- set with_runtime = decided.get("deploy") != "kubernetes" %}
{%- set db = cookiecutter.database -%}
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
  description = "AWS region."
  type        = string
  default     = "eu-west-1"
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC."
  type        = string
  default     = "10.20.0.0/16"
}
{%- if db in ["postgresql", "mysql"] %}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.small"
}

variable "db_allocated_storage" {
  description = "RDS storage in GiB."
  type        = number
  default     = 20
}

variable "db_multi_az" {
  description = "Run a standby in a second availability zone."
  type        = bool
  default     = true
}

variable "db_name" {
  description = "Name of the application database."
  type        = string
  default     = "app"
}

variable "db_username" {
  description = "Master user of the database (its password is generated and kept in Secrets Manager)."
  type        = string
  default     = "app"
}
{%- endif %}
{%- if with_runtime %}

variable "image" {
  description = "Container image to run, e.g. <account>.dkr.ecr.<region>.amazonaws.com/{{ cookiecutter.project_slug }}:<git sha>."
  type        = string
}

variable "container_port" {
  description = "Port the application listens on."
  type        = number
  default     = {{ stack.port }}
}

variable "cpu" {
  description = "Fargate task CPU units (256 = 0.25 vCPU)."
  type        = number
  default     = 512
}

variable "memory" {
  description = "Fargate task memory in MiB."
  type        = number
  default     = 1024
}

variable "desired_count" {
  description = "Number of running tasks."
  type        = number
  default     = 2
}
{%- endif %}
