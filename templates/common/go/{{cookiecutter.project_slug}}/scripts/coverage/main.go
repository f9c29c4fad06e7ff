// Command coverage runs the tests with a coverage gate: `go run ./scripts/coverage -min=80` fails when the
// statements of internal/ (the whole application but its entry point, cmd/server) covered by every test are
// under 80 %. go test has no threshold of its own.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

func main() {
	minimum := flag.Float64("min", 0, "the lowest acceptable percentage of statements covered")
	profile := flag.String("profile", "coverage.out", "where the coverage profile is written")
	flag.Parse()
	if err := run(*minimum, *profile); err != nil {
		fmt.Fprintln(os.Stderr, "coverage:", err)
		os.Exit(1)
	}
}

func run(minimum float64, profile string) error {
	test := exec.Command("go", "test", "-coverpkg=./internal/...", "-coverprofile="+profile, "./...")
	test.Stdout, test.Stderr = os.Stdout, os.Stderr
	if err := test.Run(); err != nil {
		return fmt.Errorf("go test: %w", err)
	}
	out, err := exec.Command("go", "tool", "cover", "-func="+profile).Output()
	if err != nil {
		return fmt.Errorf("go tool cover: %w", err)
	}
	total, err := totalOf(out)
	if err != nil {
		return err
	}
	fmt.Printf("coverage: %.1f%% of statements (minimum %.1f%%)\n", total, minimum)
	if total < minimum {
		return fmt.Errorf("%.1f%% is under the minimum of %.1f%%", total, minimum)
	}
	return nil
}

// totalOf reads the percentage of the `total:` line of go tool cover -func.
func totalOf(report []byte) (float64, error) {
	scanner := bufio.NewScanner(bytes.NewReader(report))
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) == 3 && fields[0] == "total:" {
			return strconv.ParseFloat(strings.TrimSuffix(fields[2], "%"), 64)
		}
	}
	return 0, fmt.Errorf("go tool cover printed no total")
}
