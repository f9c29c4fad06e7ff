{%- set decided = cookiecutter.get("decisions") or {} %}
{%- set with_runtime = decided.get("deploy") != "kubernetes" %}
{%- set managed_db = cookiecutter.database in ["postgresql", "mysql"] -%}
output "database_url_secret_arn" {
  description = "Secrets Manager secret holding DATABASE_URL."
  value       = aws_secretsmanager_secret.database_url.arn
}
{%- if managed_db %}

output "db_endpoint" {
  description = "Database endpoint (host:port)."
  value       = aws_db_instance.main.endpoint
}
{%- endif %}
{%- if with_runtime %}

output "service_url" {
  description = "Public URL of the service (HTTP until you add an HTTPS listener)."
  value       = "http://${aws_lb.app.dns_name}"
}

output "ecr_repository_url" {
  description = "Push the application image here."
  value       = aws_ecr_repository.app.repository_url
}

output "ecs_cluster" {
  description = "ECS cluster name (for migrations with aws ecs run-task)."
  value       = aws_ecs_cluster.main.name
}

output "ecs_service" {
  description = "ECS service name."
  value       = aws_ecs_service.app.name
}

output "private_subnets" {
  description = "Subnets for one-off tasks (migrations)."
  value       = module.vpc.private_subnets
}

output "app_security_group" {
  description = "Security group for one-off tasks (migrations)."
  value       = aws_security_group.app.id
}
{%- endif %}
