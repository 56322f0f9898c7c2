/** Neutron "standard attributes": every resource that has them shares one counter (standard_attr_id). */
export interface Std {
  id: string;
  name: string;
  description: string;
  projectId: string;
  createdAt: string;
  updatedAt: string;
  revision: number;
  tags: string[];
  /** Global standard-attribute sequence number; SG rules show it inside `security group show`. */
  stdAttrId: number;
}
