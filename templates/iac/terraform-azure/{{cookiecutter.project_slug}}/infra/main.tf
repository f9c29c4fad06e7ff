{%- set stack = cookiecutter.stack %}
{%- set slug = cookiecutter.project_slug %}
{%- set decided = cookiecutter.get("decisions") or {} %}
{%- set with_runtime = decided.get("deploy") != "kubernetes" %}
{%- set db = cookiecutter.database %}
{%- set managed_db = db in ["postgresql", "mysql"] %}
{%- set server = "postgresql" if db == "postgresql" else "mysql" %}
{%- set env_spec = stack.env if stack.env is defined else {} %}
{%- set ns_env = namespace(items=[]) %}
{%- for name, spec in env_spec | dictsort %}
{%- set ns_ok = namespace(ok=true) %}
{%- for key, wanted in (spec.when if spec.when is defined else {}) | dictsort %}
{%- set actual = cookiecutter.get(key, (cookiecutter.get("decisions") or {}).get(key)) %}
{%- if (wanted is string and actual != wanted) or (wanted is not string and actual not in wanted) %}{% set ns_ok.ok = false %}{% endif %}
{%- endfor %}
{%- if ns_ok.ok %}{% set ns_env.items = ns_env.items + [(name, spec)] %}{% endif %}
{%- endfor %}
{%- set url_examples = env_spec.DATABASE_URL if env_spec.DATABASE_URL is defined else {} %}
{%- set example = url_examples.get("example_" ~ db, "") %}
{%- set scheme = example.split("://")[0] if "://" in example else db %}
{%- set port = 5432 if db == "postgresql" else 3306 %}
{%- set secret_names = [] %}
{%- for name, spec in ns_env.items %}
{%- if (spec.secret | default(false)) and name != "DATABASE_URL" %}{% set _ = secret_names.append(name) %}{% endif %}
{%- endfor %}
{%- set width = (["DATABASE_URL"] + secret_names) | map("length") | max -%}
# {{ cookiecutter.project_name | one_line }} on Azure: a virtual network{% if managed_db %}, {{ db }} flexible server (private access){% endif %}, secrets in Key Vault
{%- if with_runtime %}, Azure Container Apps{% endif %}.
# No credential is written here: passwords are generated (random_password) and stored in Key Vault.
{%- if not with_runtime %}
# The application itself runs on Kubernetes (k8s/): put the DATABASE_URL secret below into the cluster Secret.
{%- endif %}

locals {
  name = "${var.project}-${var.environment}"
  # Key Vault and registry names: alphanumeric, globally unique
  compact = substr(replace("${var.project}${var.environment}", "-", ""), 0, 16)
}

data "azurerm_client_config" "current" {}

resource "random_string" "suffix" {
  length  = 6
  special = false
  upper   = false
}

resource "azurerm_resource_group" "main" {
  name     = "rg-${local.name}"
  location = var.location
}

# ---------------------------------------------------------------------------------------- network

resource "azurerm_virtual_network" "main" {
  name                = "vnet-${local.name}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  address_space       = [var.vnet_cidr]
}
{%- if with_runtime %}

resource "azurerm_subnet" "apps" {
  name                 = "snet-apps"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [cidrsubnet(var.vnet_cidr, 7, 0)]
}
{%- endif %}
{%- if managed_db %}

resource "azurerm_subnet" "db" {
  name                 = "snet-db"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [cidrsubnet(var.vnet_cidr, 8, 10)]

  delegation {
    name = "{{ server }}"

    service_delegation {
      name    = "Microsoft.DBfor{{ 'PostgreSQL' if db == 'postgresql' else 'MySQL' }}/flexibleServers"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_private_dns_zone" "db" {
  name                = "${local.name}.private.{{ server }}.database.azure.com"
  resource_group_name = azurerm_resource_group.main.name
}

resource "azurerm_private_dns_zone_virtual_network_link" "db" {
  name                  = "db"
  private_dns_zone_name = azurerm_private_dns_zone.db.name
  virtual_network_id    = azurerm_virtual_network.main.id
  resource_group_name   = azurerm_resource_group.main.name
}

# --------------------------------------------------------------------------------------- database

resource "random_password" "db" {
  length  = 32
  special = false
}

resource "azurerm_{{ server }}_flexible_server" "main" {
  name                   = "${local.name}-db"
  resource_group_name    = azurerm_resource_group.main.name
  location               = azurerm_resource_group.main.location
  version                = "{{ '16' if db == 'postgresql' else '8.0.21' }}"
  sku_name               = var.db_sku
  administrator_login    = var.db_username
  administrator_password = random_password.db.result
  delegated_subnet_id    = azurerm_subnet.db.id
  private_dns_zone_id    = azurerm_private_dns_zone.db.id
  backup_retention_days  = 7
{%- if db == "postgresql" %}

  public_network_access_enabled = false
  storage_mb                    = var.db_storage_mb
{%- else %}

  storage {
    size_gb = ceil(var.db_storage_mb / 1024)
  }
{%- endif %}

  lifecycle {
    ignore_changes = [zone]
  }

  depends_on = [azurerm_private_dns_zone_virtual_network_link.db]
}

resource "azurerm_{{ server }}_flexible_database" "app" {
  name      = var.db_name
  server_id = azurerm_{{ server }}_flexible_server.main.id
  charset   = "utf8{{ 'mb4' if db == 'mysql' else '' }}"
  collation = "{{ 'en_US.utf8' if db == 'postgresql' else 'utf8mb4_unicode_ci' }}"
}
{%- endif %}

# ---------------------------------------------------------------------------------------- secrets

resource "azurerm_key_vault" "main" {
  name                       = "kv${local.compact}${random_string.suffix.result}"
  location                   = azurerm_resource_group.main.location
  resource_group_name        = azurerm_resource_group.main.name
  tenant_id                  = data.azurerm_client_config.current.tenant_id
  sku_name                   = "standard"
  enable_rbac_authorization  = true
  purge_protection_enabled   = true
  soft_delete_retention_days = 7
}

# whoever runs terraform writes the secrets
resource "azurerm_role_assignment" "deployer_secrets" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}

{% if not managed_db -%}
# SQLite lives on the replica's ephemeral disk: data is lost on restart. Use a managed database in production.
{% endif -%}
resource "azurerm_key_vault_secret" "database_url" {
  name         = "database-url"
  key_vault_id = azurerm_key_vault.main.id
{%- if managed_db %}
  value        = "{{ scheme }}://${var.db_username}:${random_password.db.result}@${azurerm_{{ server }}_flexible_server.main.fqdn}:{{ port }}/${var.db_name}"
{%- else %}
  value        = "{{ example if example else 'sqlite:///./app.db' }}"
{%- endif %}

  depends_on = [azurerm_role_assignment.deployer_secrets]
}
{%- for name in secret_names %}

resource "random_password" "{{ name | lower }}" {
  length  = 64
  special = false
}

resource "azurerm_key_vault_secret" "{{ name | lower }}" {
  name         = "{{ name | lower | replace('_', '-') }}"
  key_vault_id = azurerm_key_vault.main.id
  value        = random_password.{{ name | lower }}.result

  depends_on = [azurerm_role_assignment.deployer_secrets]
}
{%- endfor %}
{%- if with_runtime %}

# ---------------------------------------------------------------------------------- image registry

resource "azurerm_container_registry" "main" {
  name                = "cr${local.compact}${random_string.suffix.result}"
  resource_group_name = azurerm_resource_group.main.name
  location            = azurerm_resource_group.main.location
  sku                 = "Basic"
  admin_enabled       = false
}

# ------------------------------------------------------------------------------ Container Apps

resource "azurerm_user_assigned_identity" "app" {
  name                = "id-${local.name}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
}

resource "azurerm_role_assignment" "app_secrets" {
  scope                = azurerm_key_vault.main.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
}

resource "azurerm_role_assignment" "app_pull" {
  scope                = azurerm_container_registry.main.id
  role_definition_name = "AcrPull"
  principal_id         = azurerm_user_assigned_identity.app.principal_id
}

resource "azurerm_log_analytics_workspace" "main" {
  name                = "log-${local.name}"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  sku                 = "PerGB2018"
  retention_in_days   = 30
}

resource "azurerm_container_app_environment" "main" {
  name                       = "cae-${local.name}"
  location                   = azurerm_resource_group.main.location
  resource_group_name        = azurerm_resource_group.main.name
  log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id
  infrastructure_subnet_id   = azurerm_subnet.apps.id
}

resource "azurerm_container_app" "app" {
  name                         = local.name
  container_app_environment_id = azurerm_container_app_environment.main.id
  resource_group_name          = azurerm_resource_group.main.name
  revision_mode                = "Single"

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.app.id]
  }

  registry {
    server   = azurerm_container_registry.main.login_server
    identity = azurerm_user_assigned_identity.app.id
  }

  secret {
    name                = "database-url"
    key_vault_secret_id = azurerm_key_vault_secret.database_url.versionless_id
    identity            = azurerm_user_assigned_identity.app.id
  }
{%- for name in secret_names %}

  secret {
    name                = "{{ name | lower | replace('_', '-') }}"
    key_vault_secret_id = azurerm_key_vault_secret.{{ name | lower }}.versionless_id
    identity            = azurerm_user_assigned_identity.app.id
  }
{%- endfor %}

  ingress {
    external_enabled = true
    target_port      = var.container_port

    traffic_weight {
      latest_revision = true
      percentage      = 100
    }
  }

  template {
    min_replicas = var.min_replicas
    max_replicas = var.max_replicas

    container {
      name   = "app"
      image  = var.image
      cpu    = 0.5
      memory = "1Gi"
{%- for name, spec in ns_env.items %}
{%- if not (spec.secret | default(false)) %}

      env {
        name  = "{{ name }}"
        value = {{ spec.get('example_' ~ db, spec.example | default('')) | string | json_str | replace("${", "$${") | replace("%{", "%%{") }}
      }
{%- endif %}
{%- endfor %}

      env {
        name        = "DATABASE_URL"
        secret_name = "database-url"
      }
{%- for name in secret_names %}

      env {
        name        = "{{ name }}"
        secret_name = "{{ name | lower | replace('_', '-') }}"
      }
{%- endfor %}

      liveness_probe {
        transport = "HTTP"
        port      = var.container_port
        path      = "{{ stack.health.live }}"
      }

      readiness_probe {
        transport = "HTTP"
        port      = var.container_port
        path      = "{{ stack.health.ready }}"
      }
    }
  }

  depends_on = [azurerm_role_assignment.app_secrets, azurerm_role_assignment.app_pull]
}
{%- endif %}
