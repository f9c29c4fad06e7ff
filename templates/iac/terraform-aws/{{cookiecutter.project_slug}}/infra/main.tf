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
{%- set port = 5432 if db == "postgresql" else 3306 -%}
# {{ cookiecutter.project_name | one_line }} on AWS: a VPC{% if managed_db %}, RDS ({{ db }}){% endif %}, secrets in Secrets Manager
{%- if with_runtime %}, ECS Fargate behind an application load balancer{% endif %}.
# No credential is written here: passwords are generated (random_password) and stored in Secrets Manager.
{%- if not with_runtime %}
# The application itself runs on Kubernetes (k8s/): put the DATABASE_URL secret below into the cluster Secret.
{%- endif %}

locals {
  name = "${var.project}-${var.environment}"
}

data "aws_availability_zones" "available" {
  state = "available"
}

# ---------------------------------------------------------------------------------------- network

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 6.0"

  name = local.name
  cidr = var.vpc_cidr

  azs              = slice(data.aws_availability_zones.available.names, 0, 2)
  public_subnets   = [cidrsubnet(var.vpc_cidr, 8, 0), cidrsubnet(var.vpc_cidr, 8, 1)]
  private_subnets  = [cidrsubnet(var.vpc_cidr, 8, 10), cidrsubnet(var.vpc_cidr, 8, 11)]
  database_subnets = [cidrsubnet(var.vpc_cidr, 8, 20), cidrsubnet(var.vpc_cidr, 8, 21)]

  enable_nat_gateway = true
  single_nat_gateway = true
}
{%- if with_runtime %}

resource "aws_security_group" "alb" {
  name        = "${local.name}-alb"
  description = "Public HTTP(S) to the load balancer"
  vpc_id      = module.vpc.vpc_id

  ingress {
    description = "HTTP"
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "app" {
  name        = "${local.name}-app"
  description = "The application tasks: only the load balancer reaches them"
  vpc_id      = module.vpc.vpc_id

  ingress {
    description     = "From the load balancer"
    from_port       = var.container_port
    to_port         = var.container_port
    protocol        = "tcp"
    security_groups = [aws_security_group.alb.id]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
{%- endif %}
{%- if managed_db %}

resource "aws_security_group" "db" {
  name        = "${local.name}-db"
  description = "The database: reachable from inside the VPC only"
  vpc_id      = module.vpc.vpc_id

  ingress {
    description = "{{ db }} from the VPC"
    from_port   = {{ port }}
    to_port     = {{ port }}
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
}

# --------------------------------------------------------------------------------------- database

resource "random_password" "db" {
  length  = 32
  special = false
}

resource "aws_db_instance" "main" {
  identifier     = "${local.name}-db"
  engine         = "{{ 'postgres' if db == 'postgresql' else 'mysql' }}"
  engine_version = "{{ '17' if db == 'postgresql' else '8.4' }}"
  instance_class = var.db_instance_class

  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_allocated_storage * 5
  storage_type          = "gp3"
  storage_encrypted     = true

  db_name  = var.db_name
  username = var.db_username
  password = random_password.db.result
  port     = {{ port }}

  db_subnet_group_name   = module.vpc.database_subnet_group_name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  multi_az               = var.db_multi_az

  backup_retention_period   = 7
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-db-final"
  copy_tags_to_snapshot     = true
}
{%- endif %}

# ---------------------------------------------------------------------------------------- secrets

resource "aws_secretsmanager_secret" "database_url" {
  name                    = "${local.name}/DATABASE_URL"
  recovery_window_in_days = 7
}

{% if not managed_db -%}
# SQLite lives on the task's ephemeral disk: data is lost when a task stops. Use a managed database in production.
{% endif -%}
resource "aws_secretsmanager_secret_version" "database_url" {
  secret_id     = aws_secretsmanager_secret.database_url.id
{%- if managed_db %}
  secret_string = "{{ scheme }}://${var.db_username}:${random_password.db.result}@${aws_db_instance.main.address}:{{ port }}/${var.db_name}"
{%- else %}
  secret_string = "{{ example if example else 'sqlite:///./app.db' }}"
{%- endif %}
}
{%- for name, spec in ns_env.items %}
{%- if (spec.secret | default(false)) and name != "DATABASE_URL" %}

resource "random_password" "{{ name | lower }}" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "{{ name | lower }}" {
  name                    = "${local.name}/{{ name }}"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "{{ name | lower }}" {
  secret_id     = aws_secretsmanager_secret.{{ name | lower }}.id
  secret_string = random_password.{{ name | lower }}.result
}
{%- endif %}
{%- endfor %}
{%- if with_runtime %}

# ---------------------------------------------------------------------------------- image registry

resource "aws_ecr_repository" "app" {
  name                 = "{{ slug }}"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }
}

# ----------------------------------------------------------------------------- ECS Fargate service

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${local.name}"
  retention_in_days = 30
}

resource "aws_ecs_cluster" "main" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${local.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "read_secrets" {
  statement {
    actions = ["secretsmanager:GetSecretValue"]
    resources = [
      aws_secretsmanager_secret.database_url.arn,
{%- for name, spec in ns_env.items %}
{%- if (spec.secret | default(false)) and name != "DATABASE_URL" %}
      aws_secretsmanager_secret.{{ name | lower }}.arn,
{%- endif %}
{%- endfor %}
    ]
  }
}

resource "aws_iam_role_policy" "read_secrets" {
  name   = "read-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.read_secrets.json
}

resource "aws_iam_role" "task" {
  name               = "${local.name}-task"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_ecs_task_definition" "app" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  container_definitions = jsonencode([
    {
      name      = "app"
      image     = var.image
      essential = true
      portMappings = [
        {
          containerPort = var.container_port
          protocol      = "tcp"
        }
      ]
      environment = [
{%- for name, spec in ns_env.items %}
{%- if not (spec.secret | default(false)) %}
        { name = "{{ name }}", value = {{ spec.get('example_' ~ db, spec.example | default('')) | string | json_str | replace("${", "$${") | replace("%{", "%%{") }} },
{%- endif %}
{%- endfor %}
      ]
      secrets = [
        { name = "DATABASE_URL", valueFrom = aws_secretsmanager_secret.database_url.arn },
{%- for name, spec in ns_env.items %}
{%- if (spec.secret | default(false)) and name != "DATABASE_URL" %}
        { name = "{{ name }}", valueFrom = aws_secretsmanager_secret.{{ name | lower }}.arn },
{%- endif %}
{%- endfor %}
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.app.name
          awslogs-region        = var.region
          awslogs-stream-prefix = "app"
        }
      }
    }
  ])
}

resource "aws_lb" "app" {
  name               = local.name
  load_balancer_type = "application"
  internal           = false
  security_groups    = [aws_security_group.alb.id]
  subnets            = module.vpc.public_subnets
}

resource "aws_lb_target_group" "app" {
  name        = local.name
  port        = var.container_port
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = module.vpc.vpc_id

  health_check {
    path                = "{{ stack.health.ready }}"
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

# HTTP only to start with: add an HTTPS listener with an ACM certificate and redirect port 80 to it.
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_ecs_service" "app" {
  name            = local.name
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = var.desired_count
  launch_type     = "FARGATE"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = module.vpc.private_subnets
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.app.arn
    container_name   = "app"
    container_port   = var.container_port
  }

  depends_on = [aws_lb_listener.http]
}
{%- endif %}
