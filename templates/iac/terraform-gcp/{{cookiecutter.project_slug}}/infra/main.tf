{%- set stack = cookiecutter.stack %}
{%- set slug = cookiecutter.project_slug %}
{%- set decided = cookiecutter.get("decisions") or {} %}
{%- set with_runtime = decided.get("deploy") != "kubernetes" %}
{%- set db = cookiecutter.database %}
{%- set managed_db = db in ["postgresql", "mysql"] %}
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
# {{ cookiecutter.project_name | one_line }} on Google Cloud: a VPC{% if managed_db %}, Cloud SQL ({{ db }}, private IP){% endif %}, secrets in Secret Manager
{%- if with_runtime %}, Cloud Run{% endif %}.
# No credential is written here: passwords are generated (random_password) and stored in Secret Manager.
{%- if not with_runtime %}
# The application itself runs on Kubernetes (k8s/): put the DATABASE_URL secret below into the cluster Secret.
{%- endif %}

locals {
  name = "${var.project}-${var.environment}"
  secrets = {
    {{ "DATABASE_URL".ljust(width) }} = google_secret_manager_secret_version.database_url.secret
{%- for name in secret_names %}
    {{ name.ljust(width) }} = google_secret_manager_secret_version.{{ name | lower }}.secret
{%- endfor %}
  }
}

resource "google_project_service" "services" {
  for_each = toset([
    "compute.googleapis.com",
    "secretmanager.googleapis.com",
{%- if managed_db %}
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
{%- endif %}
{%- if with_runtime %}
    "run.googleapis.com",
    "artifactregistry.googleapis.com",
{%- endif %}
  ])

  service            = each.value
  disable_on_destroy = false
}

# ---------------------------------------------------------------------------------------- network

resource "google_compute_network" "main" {
  name                    = local.name
  auto_create_subnetworks = false

  depends_on = [google_project_service.services]
}

resource "google_compute_subnetwork" "app" {
  name                     = "${local.name}-app"
  network                  = google_compute_network.main.id
  region                   = var.region
  ip_cidr_range            = var.subnet_cidr
  private_ip_google_access = true
}
{%- if managed_db %}

# Private services access: Cloud SQL gets an address inside the VPC, no public IP.
resource "google_compute_global_address" "private_services" {
  name          = "${local.name}-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = 20
  network       = google_compute_network.main.id
}

resource "google_service_networking_connection" "private_services" {
  network                 = google_compute_network.main.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services.name]
}

# --------------------------------------------------------------------------------------- database

resource "random_password" "db" {
  length  = 32
  special = false
}

resource "google_sql_database_instance" "main" {
  name             = "${local.name}-db"
  database_version = "{{ 'POSTGRES_17' if db == 'postgresql' else 'MYSQL_8_4' }}"
  region           = var.region

  deletion_protection = true

  settings {
    tier              = var.db_tier
    availability_type = var.db_availability
    edition           = "ENTERPRISE"

    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.main.id
    }

    backup_configuration {
{%- if db == "postgresql" %}
      enabled                        = true
      point_in_time_recovery_enabled = true
{%- else %}
      enabled            = true
      binary_log_enabled = true
{%- endif %}
    }
  }

  depends_on = [google_service_networking_connection.private_services]
}

resource "google_sql_database" "app" {
  name     = var.db_name
  instance = google_sql_database_instance.main.name
}

resource "google_sql_user" "app" {
  name     = var.db_username
  instance = google_sql_database_instance.main.name
  password = random_password.db.result
}
{%- endif %}

# ---------------------------------------------------------------------------------------- secrets

resource "google_secret_manager_secret" "database_url" {
  secret_id = "${local.name}-database-url"

  replication {
    auto {}
  }

  depends_on = [google_project_service.services]
}

{% if not managed_db -%}
# SQLite lives on the instance's in-memory disk: data is lost on restart. Use a managed database in production.
{% endif -%}
resource "google_secret_manager_secret_version" "database_url" {
  secret      = google_secret_manager_secret.database_url.id
{%- if managed_db %}
  secret_data = "{{ scheme }}://${var.db_username}:${random_password.db.result}@${google_sql_database_instance.main.private_ip_address}:{{ port }}/${var.db_name}"
{%- else %}
  secret_data = "{{ example if example else 'sqlite:///./app.db' }}"
{%- endif %}
}
{%- for name, spec in ns_env.items %}
{%- if (spec.secret | default(false)) and name != "DATABASE_URL" %}

resource "random_password" "{{ name | lower }}" {
  length  = 64
  special = false
}

resource "google_secret_manager_secret" "{{ name | lower }}" {
  secret_id = "${local.name}-{{ name | lower | replace('_', '-') }}"

  replication {
    auto {}
  }

  depends_on = [google_project_service.services]
}

resource "google_secret_manager_secret_version" "{{ name | lower }}" {
  secret      = google_secret_manager_secret.{{ name | lower }}.id
  secret_data = random_password.{{ name | lower }}.result
}
{%- endif %}
{%- endfor %}
{%- if with_runtime %}

# ---------------------------------------------------------------------------------- image registry

resource "google_artifact_registry_repository" "app" {
  repository_id = "{{ slug }}"
  location      = var.region
  format        = "DOCKER"

  depends_on = [google_project_service.services]
}

# -------------------------------------------------------------------------------------- Cloud Run

resource "google_service_account" "app" {
  account_id   = substr("${local.name}-run", 0, 30)
  display_name = "Cloud Run service ${local.name}"
}

resource "google_secret_manager_secret_iam_member" "app" {
  for_each = local.secrets

  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.app.email}"
}

resource "google_cloud_run_v2_service" "app" {
  name                = local.name
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = true

  template {
    service_account = google_service_account.app.email

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    vpc_access {
      egress = "PRIVATE_RANGES_ONLY"

      network_interfaces {
        network    = google_compute_network.main.id
        subnetwork = google_compute_subnetwork.app.id
      }
    }

    containers {
      image = var.image

      ports {
        container_port = var.container_port
      }

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
      }
{%- for name, spec in ns_env.items %}
{%- if not (spec.secret | default(false)) %}

      env {
        name  = "{{ name }}"
        value = {{ spec.get('example_' ~ db, spec.example | default('')) | string | json_str | replace("${", "$${") | replace("%{", "%%{") }}
      }
{%- endif %}
{%- endfor %}

      dynamic "env" {
        for_each = local.secrets

        content {
          name = env.key

          value_source {
            secret_key_ref {
              secret  = env.value
              version = "latest"
            }
          }
        }
      }

      startup_probe {
        period_seconds    = 2
        failure_threshold = 30

        http_get {
          path = "{{ stack.health.live }}"
        }
      }

      liveness_probe {
        period_seconds = 10

        http_get {
          path = "{{ stack.health.live }}"
        }
      }
    }
  }

  depends_on = [google_secret_manager_secret_iam_member.app]
}

# A public API: anyone may invoke it (authentication is the application's job).
resource "google_cloud_run_v2_service_iam_member" "public" {
  name     = google_cloud_run_v2_service.app.name
  location = google_cloud_run_v2_service.app.location
  role     = "roles/run.invoker"
  member   = "allUsers"
}
{%- endif %}
