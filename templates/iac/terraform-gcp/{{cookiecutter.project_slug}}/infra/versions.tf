# Terraform for {{ cookiecutter.project_name | one_line }} on Google Cloud. Providers are pinned; commit .terraform.lock.hcl.
terraform {
  required_version = ">= 1.6.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 7.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }

  # Keep the state remote, for example (bucket created beforehand):
  # backend "gcs" {
  #   bucket = "my-terraform-state"
  #   prefix = "{{ cookiecutter.project_slug }}"
  # }
}

provider "google" {
  project = var.gcp_project
  region  = var.region
}
