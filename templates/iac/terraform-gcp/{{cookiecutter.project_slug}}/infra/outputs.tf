{%- set decided = cookiecutter.get("decisions") or {} %}
{%- set with_runtime = decided.get("deploy") != "kubernetes" %}
{%- set managed_db = cookiecutter.database in ["postgresql", "mysql"] -%}
output "database_url_secret" {
  description = "Secret Manager secret holding DATABASE_URL."
  value       = google_secret_manager_secret.database_url.id
}
{%- if managed_db %}

output "db_endpoint" {
  description = "Private IP address of the Cloud SQL instance."
  value       = google_sql_database_instance.main.private_ip_address
}

output "db_connection_name" {
  description = "Cloud SQL connection name (for the Cloud SQL Auth Proxy)."
  value       = google_sql_database_instance.main.connection_name
}
{%- endif %}
{%- if with_runtime %}

output "service_url" {
  description = "Public URL of the Cloud Run service."
  value       = google_cloud_run_v2_service.app.uri
}

output "image_repository" {
  description = "Push the application image here."
  value       = "${var.region}-docker.pkg.dev/${var.gcp_project}/${google_artifact_registry_repository.app.repository_id}"
}
{%- endif %}
