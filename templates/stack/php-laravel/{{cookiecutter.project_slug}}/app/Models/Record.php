<?php

declare(strict_types=1);

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

/**
 * A row of one entity of the model: an Eloquent model whose table and key come from resources/model.json
 * (App\Services\RecordStore::query), so that no entity needs a class of its own. Values are converted by
 * App\Support\Values, not by casts, because their column types differ per database.
 */
final class Record extends Model
{
    /** @var bool */
    public $timestamps = false;

    /** @var array<int, string> */
    protected $guarded = [];

    /** A query on the table of an entity, keyed by its id (a UUID the application makes, or a sequence). */
    public static function of(string $table, bool $uuidIds): self
    {
        $record = new self();
        $record->setTable($table);
        $record->setIncrementing(!$uuidIds);
        $record->setKeyType($uuidIds ? 'string' : 'int');

        return $record;
    }
}
