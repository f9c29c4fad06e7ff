/** The Store this project was generated with: TypeORM. */
export { openStore } from "./typeorm.js";
