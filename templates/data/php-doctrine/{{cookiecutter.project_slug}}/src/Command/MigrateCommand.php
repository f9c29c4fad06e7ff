<?php

declare(strict_types=1);

namespace App\Command;

use Doctrine\DBAL\Connection;
use Symfony\Component\Console\Attribute\AsCommand;
use Symfony\Component\Console\Command\Command;
use Symfony\Component\Console\Input\InputInterface;
use Symfony\Component\Console\Output\OutputInterface;

/**
 * `php bin/console db:migrate`: the files of migrations/ (each returns its SQL statements) applied in name
 * order through Doctrine DBAL, each once: schema_migrations records the applied versions. A file's statements
 * and its record share a transaction where the database has transactional DDL (PostgreSQL, SQLite).
 */
#[AsCommand(name: 'db:migrate', description: 'Apply the migrations of migrations/ that the database has not seen')]
final class MigrateCommand extends Command
{
    public function __construct(private readonly Connection $db, private readonly string $migrationsDirectory)
    {
        parent::__construct();
    }

    protected function execute(InputInterface $input, OutputInterface $output): int
    {
        $this->db->executeStatement(
            'CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(191) NOT NULL PRIMARY KEY, applied_at VARCHAR(32) NOT NULL)',
        );
        $applied = array_flip($this->db->fetchFirstColumn('SELECT version FROM schema_migrations'));
        $files = glob($this->migrationsDirectory . '/*.php') ?: [];
        sort($files);
        foreach ($files as $file) {
            $version = basename($file, '.php');
            if (isset($applied[$version])) {
                continue;
            }
            $apply = function (Connection $db) use ($file, $version): void {
                foreach (require $file as $statement) {
                    $db->executeStatement($statement);
                }
                $db->insert('schema_migrations', ['version' => $version, 'applied_at' => gmdate('Y-m-d\TH:i:s\Z')]);
            };
            // MySQL commits before each DDL statement: a transaction around them would end unseen
            $this->db->getParams()['driver'] === 'pdo_mysql' ? $apply($this->db) : $this->db->transactional($apply);
            $output->writeln("applied $version");
        }
        $output->writeln('migrations: up to date');

        return Command::SUCCESS;
    }
}
