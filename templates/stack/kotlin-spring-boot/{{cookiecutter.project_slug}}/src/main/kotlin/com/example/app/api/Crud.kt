package com.example.app.api

import com.example.app.web.ApiException
import com.example.app.web.FieldProblem
import jakarta.persistence.EntityManager
import jakarta.persistence.criteria.CriteriaBuilder
import jakarta.persistence.criteria.Predicate
import jakarta.persistence.criteria.Root
import org.springframework.http.HttpStatus
import org.springframework.stereotype.Component

/**
 * What every entity's resource does with its rows, through JPA's Criteria API: a row is found only among its
 * owner's (anyone else's is 404), lists are filtered, sorted (ties broken by id) and paginated in the
 * database, and every write is flushed at once, so that a unique or foreign key violation is answered 409
 * by the request that caused it.
 */
@Component
class Crud(
    private val em: EntityManager,
) {
    /** The row [id] of [type] if it belongs to [owner]. */
    fun <T : Any> owned(
        type: Class<T>,
        id: Any,
        owner: Long,
    ): T? {
        val cb = em.criteriaBuilder
        val query = cb.createQuery(type)
        val root = query.from(type)
        query.select(root).where(cb.equal(root.get<Any>("id"), id), cb.equal(root.get<Long>("ownerId"), owner))
        return em.createQuery(query).resultList.firstOrNull()
    }

    /** The row [id] of [type] if it belongs to [owner], else 404. */
    fun <T : Any> find(
        type: Class<T>,
        id: Any,
        owner: Long,
    ): T = owned(type, id, owner) ?: throw ApiException.notFound()

    /** The referenced row must exist and be the owner's own: 404 otherwise (it is not theirs to see). */
    fun <T : Any> reference(
        type: Class<T>,
        id: Any?,
        owner: Long,
    ) {
        if (id != null && owned(type, id, owner) == null) throw ApiException(HttpStatus.NOT_FOUND, "a referenced row does not exist")
    }

    /** The ids of a many-to-many member, each the owner's own row of [type] (a null item is a 422 at [member]). */
    fun <T : Any, I : Any> references(
        type: Class<T>,
        ids: List<I?>,
        member: String,
        owner: Long,
    ): MutableSet<I> {
        ids.forEachIndexed { index, id ->
            if (id ==
                null
            ) {
                throw ApiException.invalid(FieldProblem.member("$member/$index", "must not be null"))
            }
        }
        return ids.filterNotNull().toMutableSet().onEach { reference(type, it, owner) }
    }

    /** One page of [owner]'s rows of [type], and how many rows match in all. */
    fun <T : Any> page(
        type: Class<T>,
        owner: Long,
        query: ListQuery,
    ): Pair<List<T>, Long> {
        val cb = em.criteriaBuilder
        val select = cb.createQuery(type)
        val root = select.from(type)
        val order =
            listOf(
                query.sort,
                "id",
            ).distinct().map { if (query.descending) cb.desc(root.get<Any>(it)) else cb.asc(root.get<Any>(it)) }
        select.select(root).where(*matching(cb, root, owner, query)).orderBy(order)
        val rows =
            em
                .createQuery(select)
                .setFirstResult(query.offset)
                .setMaxResults(query.limit)
                .resultList
        val count = cb.createQuery(Long::class.java)
        val counted = count.from(type)
        count.select(cb.count(counted)).where(*matching(cb, counted, owner, query))
        return rows to em.createQuery(count).singleResult
    }

    private fun matching(
        cb: CriteriaBuilder,
        root: Root<*>,
        owner: Long,
        query: ListQuery,
    ): Array<Predicate> =
        (
            listOf(cb.equal(root.get<Long>("ownerId"), owner)) +
                query.filters.map { (attribute, value) -> cb.equal(root.get<Any>(attribute), value) }
        ).toTypedArray()

    fun <T : Any> insert(row: T): T {
        em.persist(row)
        em.flush()
        return row
    }

    fun flush() = em.flush()

    fun remove(row: Any) {
        em.remove(row)
        em.flush()
    }
}
