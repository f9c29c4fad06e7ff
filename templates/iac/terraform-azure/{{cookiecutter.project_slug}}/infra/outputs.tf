{%- set decided = cookiecutter.get("decisions") or {} %}
{%- set with_runtime = decided.get("deploy") != "kubernetes" %}
{%- set db = cookiecutter.database %}
{%- set server = "postgresql" if db == "postgresql" else "mysql" -%}
output "key_vault_name" {
  description = "Key Vault holding DATABASE_URL and the other secrets."
  value       = azurerm_key_vault.main.name
}
{%- if db in ["postgresql", "mysql"] %}

output "db_endpoint" {
  description = "Database host name (private DNS, resolvable inside the virtual network)."
  value       = azurerm_{{ server }}_flexible_server.main.fqdn
}
{%- endif %}
{%- if with_runtime %}

output "service_url" {
  description = "Public URL of the container app."
  value       = "https://${azurerm_container_app.app.ingress[0].fqdn}"
}

output "registry_login_server" {
  description = "Push the application image here."
  value       = azurerm_container_registry.main.login_server
}

output "container_app_name" {
  description = "Container app name."
  value       = azurerm_container_app.app.name
}

output "resource_group_name" {
  description = "Resource group of every resource."
  value       = azurerm_resource_group.main.name
}
{%- endif %}
