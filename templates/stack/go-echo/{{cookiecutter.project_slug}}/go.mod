module {{ cookiecutter.project_slug }}

go 1.26.0

require (
	github.com/getkin/kin-openapi v0.153.0
{%- if cookiecutter.database == "mysql" %}
	github.com/go-sql-driver/mysql v1.10.1
{%- endif %}
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/google/uuid v1.6.0
{%- if cookiecutter.database == "postgresql" %}
	github.com/jackc/pgx/v5 v5.12.0
{%- endif %}
	github.com/labstack/echo/v4 v4.16.0
	github.com/oapi-codegen/runtime v1.9.0
	github.com/pressly/goose/v3 v3.30.0
	github.com/prometheus/client_golang v1.25.0
	golang.org/x/crypto v0.59.0
	golang.org/x/text v0.44.0
	golang.org/x/time v0.16.0
{%- if cookiecutter.database == "sqlite" %}
	modernc.org/sqlite v1.62.0
{%- endif %}
)

require (
{%- if cookiecutter.database == "mysql" %}
	filippo.io/edwards25519 v1.2.0 // indirect
{%- endif %}
	github.com/BurntSushi/toml v1.4.1-0.20240526193622-a339e1f7089c // indirect
	github.com/apapsch/go-jsonmerge/v2 v2.0.0 // indirect
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dprotaso/go-yit v0.0.0-20220510233725-9ba8df137936 // indirect
{%- if cookiecutter.database == "sqlite" %}
	github.com/dustin/go-humanize v1.1.0 // indirect
{%- endif %}
	github.com/go-openapi/jsonpointer v0.23.1 // indirect
	github.com/go-openapi/swag/jsonname v0.26.0 // indirect
{%- if cookiecutter.database == "postgresql" %}
	github.com/jackc/pgpassfile v1.0.0 // indirect
{%- endif %}
{%- if cookiecutter.database == "postgresql" %}
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
{%- endif %}
{%- if cookiecutter.database == "postgresql" %}
	github.com/jackc/puddle/v2 v2.2.3 // indirect
{%- endif %}
	github.com/labstack/gommon v0.5.0 // indirect
	github.com/mattn/go-colorable v0.1.15 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/mfridman/interpolate v0.0.2 // indirect
	github.com/munnerz/goautoneg v0.0.0-20191010083416-a7dc8b61c822 // indirect
{%- if cookiecutter.database == "sqlite" %}
	github.com/ncruces/go-strftime v1.1.0 // indirect
{%- endif %}
	github.com/oapi-codegen/oapi-codegen/v2 v2.8.2 // indirect
	github.com/prometheus/client_model v0.6.3 // indirect
	github.com/prometheus/common v0.72.0 // indirect
	github.com/prometheus/procfs v0.23.0 // indirect
{%- if cookiecutter.database == "sqlite" %}
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
{%- endif %}
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/sethvargo/go-retry v0.5.0 // indirect
	github.com/speakeasy-api/jsonpath v0.6.3 // indirect
	github.com/speakeasy-api/openapi v1.24.0 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
	github.com/valyala/fasttemplate v1.2.2 // indirect
	github.com/vmware-labs/yaml-jsonpath v0.3.2 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/exp/typeparams v0.0.0-20231108232855-2478ac86f678 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
	honnef.co/go/tools v0.8.2 // indirect
{%- if cookiecutter.database == "sqlite" %}
	modernc.org/libc v1.80.2 // indirect
{%- endif %}
{%- if cookiecutter.database == "sqlite" %}
	modernc.org/mathutil v1.7.1 // indirect
{%- endif %}
{%- if cookiecutter.database == "sqlite" %}
	modernc.org/memory v1.12.1 // indirect
{%- endif %}
)

tool (
	github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen
	honnef.co/go/tools/cmd/staticcheck
)
