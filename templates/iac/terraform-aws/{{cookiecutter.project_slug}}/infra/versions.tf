# Terraform for {{ cookiecutter.project_name | one_line }} on AWS. Providers are pinned; commit .terraform.lock.hcl.
terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }

  # Keep the state remote and locked, for example (bucket created beforehand):
  # backend "s3" {
  #   bucket       = "my-terraform-state"
  #   key          = "{{ cookiecutter.project_slug }}/terraform.tfstate"
  #   region       = "eu-west-1"
  #   use_lockfile = true
  # }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}
